using System.Security.Cryptography;
using System.Text;

namespace Settlement.Orchestration.Saga;

/// <summary>
/// Deterministic wallet operation ids: a name-based (version 5, SHA-1) UUID of the trade id and the leg, so every retry,
/// redelivery and replay of a leg carries the same id and the wallet applies it once.
/// </summary>
public static class OperationIds
{
    static readonly Guid Namespace = new("6f1c2b9e-4c1a-4f0e-9a51-5e7713a0c0de");

    public static Guid For(Guid tradeId, SettlementLeg leg) => Create(tradeId, leg.ToString());

    public static Guid ReversalOf(Guid tradeId, SettlementLeg leg) => Create(tradeId, "reverse:" + leg);

    static Guid Create(Guid tradeId, string name)
    {
        var input = new byte[16 + 16 + Encoding.UTF8.GetByteCount(name)];
        Namespace.TryWriteBytes(input, bigEndian: true, out _);
        tradeId.TryWriteBytes(input.AsSpan(16), bigEndian: true, out _);
        Encoding.UTF8.GetBytes(name, input.AsSpan(32));

        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(hash[..16], bigEndian: true);
    }
}
