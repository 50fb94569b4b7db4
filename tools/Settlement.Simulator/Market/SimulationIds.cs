using System.Security.Cryptography;
using System.Text;

namespace Settlement.Simulator.Market;

/// <summary>
/// Every id the simulator uses is a name-based (version 5, SHA-1) UUID of the run name and what it names, so that
/// <c>fund</c>, <c>publish</c> and <c>watch</c> derive the same users and trades from <c>--run</c> alone, and re-running a
/// step sends the same ids again (the wallet applies a deposit once; Settlement settles a trade id once).
/// </summary>
public static class SimulationIds
{
    static readonly Guid Namespace = new("3b0f6a2c-8d1e-4e57-b1c4-2a9d7e5f6c10");

    /// <summary>A funded trader, 0 ≤ index &lt; users.</summary>
    public static Guid Trader(string run, int index) => Create($"{run}/trader/{index}");

    /// <summary>A buyer who is never funded: its trades are refused at the buyer debit.</summary>
    public static Guid UnfundedBuyer(string run, int index) => Create($"{run}/unfunded-buyer/{index}");

    /// <summary>A seller funded with quote currencies only: its trades are refused at the seller debit, after the buyer legs.</summary>
    public static Guid BaselessSeller(string run, int index) => Create($"{run}/baseless-seller/{index}");

    public static Guid Trade(string run, int index) => Create($"{run}/trade/{index}");

    public static Guid Deposit(Guid userId, string currency) => Create($"deposit/{userId:D}/{currency}");

    /// <summary>The default random seed of a run: stable across processes and .NET versions, unlike string.GetHashCode.</summary>
    public static int Seed(string run) => BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(run)), 0) & int.MaxValue;

    static Guid Create(string name)
    {
        var input = new byte[16 + Encoding.UTF8.GetByteCount(name)];
        Namespace.TryWriteBytes(input, bigEndian: true, out _);
        Encoding.UTF8.GetBytes(name, input.AsSpan(16));

        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(hash[..16], bigEndian: true);
    }
}
