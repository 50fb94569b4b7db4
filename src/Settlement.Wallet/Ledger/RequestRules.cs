using Settlement.Contracts;

namespace Settlement.Wallet.Ledger;

/// <summary>The checks a debit, credit or deposit must pass before it touches an account.</summary>
static class RequestRules
{
    public const int MaxCurrencyLength = 16;

    /// <summary>
    /// Why <paramref name="request"/> is refused before any account is looked at, or null when it may proceed.
    /// Checked in this order: user id, currency, amount.
    /// </summary>
    public static (WalletErrorCode Code, string Message)? Problem(OperationRecord request)
    {
        if (request.UserId == Guid.Empty)
            return (WalletErrorCode.UnknownAccount, "The user id is empty: no account belongs to it.");
        if (!IsCurrencyCode(request.Currency!))
            return (WalletErrorCode.InvalidCurrency,
                $"Currency '{Echoed(request.Currency!)}' is not 1 to {MaxCurrencyLength} characters of A-Z and 0-9.");
        return Money.AmountProblem(request.Amount!.Value) is { } problem ? (WalletErrorCode.InvalidAmount, problem) : null;
    }

    /// <summary>
    /// A refused currency as the refusal repeats it: at most 64 characters, then an ellipsis and its length, so that a
    /// 4 MB currency is not answered and logged in full (the same bound as Settlement.Orchestration's EchoedText, which
    /// the wallet does not reference).
    /// </summary>
    static string Echoed(string currency) =>
        currency.Length <= 64 ? currency : $"{currency[..64]}…({currency.Length} characters)";

    /// <summary>Upper-case letters and digits only: a lower-case code is refused, not upper-cased.</summary>
    static bool IsCurrencyCode(string currency) =>
        currency.Length is >= 1 and <= MaxCurrencyLength && currency.All(c => c is >= 'A' and <= 'Z' or >= '0' and <= '9');
}
