namespace Settlement.Contracts;

/// <summary>Why the wallet refused an operation. Every code is permanent: retrying the same operation gets the same answer.</summary>
public enum WalletErrorCode
{
    /// <summary>The debit would take the balance below zero.</summary>
    InsufficientBalance,

    /// <summary>The account to debit or reverse does not exist.</summary>
    UnknownAccount,

    /// <summary>The amount is zero, negative, beyond 18 decimal places, or too large.</summary>
    InvalidAmount,

    /// <summary>The currency code is empty or malformed.</summary>
    InvalidCurrency,

    /// <summary>The operation was reversed before it arrived, so it is never applied.</summary>
    OperationReversed,

    /// <summary>The operation id was already used for a different operation (other account, amount or kind).</summary>
    OperationIdConflict,
}
