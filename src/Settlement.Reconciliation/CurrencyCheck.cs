namespace Settlement.Reconciliation;

/// <summary>One currency's sums as PostgreSQL computed them over the whole snapshot.</summary>
public sealed record CurrencySums(string Currency, Amount Deposits, Amount Balances, Amount LedgerTotal);

/// <summary>
/// Conservation: money enters only by deposit, so per currency the sum of all balances (fee wallet included) and the sum
/// of all ledger entries both equal deposits − fees not collected + in flight. Fees not collected: a settled trade whose
/// fee leg was not applied took the fee from the buyer and seller but has not yet given it to the fee wallet. In flight:
/// trades still moving (pending, suspended, compensation failed) have moved part of their money.
/// </summary>
public static class CurrencyCheck
{
    public static IReadOnlyList<CurrencyBooks> Check(IEnumerable<CurrencySums> sums, Findings findings)
    {
        var books = new List<CurrencyBooks>();
        var known = sums.ToDictionary(s => s.Currency);
        // A currency only trades mention (every account of it gone) would still have to balance.
        foreach (var currency in findings.InFlight.Keys.Concat(findings.FeesOwed.Keys).Where(c => !known.ContainsKey(c)).Distinct())
            known[currency] = new CurrencySums(currency, Amount.Zero, Amount.Zero, Amount.Zero);

        foreach (var currency in known.Values.OrderBy(s => s.Currency, StringComparer.Ordinal))
        {
            var owed = findings.FeesOwed.GetValueOrDefault(currency.Currency);
            var inFlight = findings.InFlight.GetValueOrDefault(currency.Currency);
            var expected = currency.Deposits - owed + inFlight;
            var explanation = $"deposits {currency.Deposits} − fees not collected {owed} + in flight {inFlight} = {expected}";

            if (currency.Balances != expected)
                findings.Add(Break(currency.Currency, $"the sum of all {currency.Currency} balances is {currency.Balances}, not {explanation}",
                    expected, currency.Balances));
            if (currency.LedgerTotal != expected)
                findings.Add(Break(currency.Currency, $"the sum of all {currency.Currency} ledger entries is {currency.LedgerTotal}, not {explanation}",
                    expected, currency.LedgerTotal));

            books.Add(new CurrencyBooks(currency.Currency, currency.Deposits.ToString(), currency.Balances.ToString(),
                currency.LedgerTotal.ToString(), owed.ToString(), inFlight.ToString(),
                Conserved: currency.Balances == expected && currency.LedgerTotal == expected));
        }

        return books;
    }

    static Break Break(string currency, string detail, Amount expected, Amount actual) => new()
    {
        Kind = BreakKind.CurrencyNotConserved,
        Detail = detail,
        Currency = currency,
        Expected = expected.ToString(),
        Actual = actual.ToString(),
    };
}
