namespace Settlement.Orchestration.Saga;

/// <summary>The five balance changes of a trade, in the order they are applied.</summary>
public enum SettlementLeg
{
    /// <summary>Buyer pays price × quantity + buyer fee, in the quote currency.</summary>
    BuyerDebit,

    /// <summary>Buyer receives quantity, in the base currency.</summary>
    BuyerCredit,

    /// <summary>Seller gives quantity, in the base currency.</summary>
    SellerDebit,

    /// <summary>Seller receives price × quantity − seller fee, in the quote currency.</summary>
    SellerCredit,

    /// <summary>The exchange's fee wallet receives buyer fee + seller fee, in the quote currency.</summary>
    FeeCollection,
}
