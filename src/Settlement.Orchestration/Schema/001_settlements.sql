-- The settlement record of each trade: the state of the settlement saga, one row per trade, never deleted.
-- Mapped by SettlementDbContext; written by the saga repository in Persistence/.
CREATE SCHEMA IF NOT EXISTS settlement;

CREATE TABLE settlement.settlements (
    trade_id               uuid           NOT NULL PRIMARY KEY,  -- the saga's CorrelationId
    current_state          text           NOT NULL,              -- the state machine's state by name
    symbol                 text           NOT NULL,
    base_currency          text           NOT NULL,
    quote_currency         text           NOT NULL,
    buyer_user_id          uuid           NOT NULL,
    seller_user_id         uuid           NOT NULL,
    price                  numeric(38,18) NOT NULL,
    quantity               numeric(38,18) NOT NULL,
    buyer_fee              numeric(38,18) NOT NULL,
    seller_fee             numeric(38,18) NOT NULL,
    is_buyer_maker         boolean        NOT NULL,
    executed_at            timestamptz    NOT NULL,
    settlement_status      text           NOT NULL
        CONSTRAINT settlements_status_known CHECK (settlement_status IN ('PENDING', 'SETTLED', 'SETTLEMENT_FAILED')),
    settled_at             timestamptz,
    settlement_retry_count integer        NOT NULL DEFAULT 0,
    failure_reason         text,
    pending_leg            text,
    completed_legs         text[]         NOT NULL DEFAULT '{}',
    reversed_legs          text[]         NOT NULL DEFAULT '{}',
    fee_collected          boolean        NOT NULL DEFAULT false,
    suspended_from         text,
    created_at             timestamptz    NOT NULL,
    updated_at             timestamptz    NOT NULL,
    version                integer        NOT NULL                -- optimistic concurrency token, +1 on every save
);

-- Operator queries ("failed settlements, oldest first", "in this state for more than 5 minutes"), paged by
-- (updated_at, trade_id): trade_id breaks ties so that a page boundary never skips or repeats a row.
CREATE INDEX settlements_status_updated ON settlement.settlements (settlement_status, updated_at, trade_id);
CREATE INDEX settlements_state_updated ON settlement.settlements (current_state, updated_at, trade_id);
