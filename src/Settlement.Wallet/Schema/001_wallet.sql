-- The wallet ledger. Applied once by the host's SchemaMigrator; every statement is also safe to run again.
-- Money is numeric(38,18): 20 integer digits and 18 decimals, never rounded by the service (it refuses what does not fit).
CREATE SCHEMA IF NOT EXISTS wallet;

-- One row per (user, currency): the available balance. The primary key is the one-lookup path for a balance and,
-- through its user_id prefix, for all of a user's balances.
CREATE TABLE IF NOT EXISTS wallet.accounts (
    user_id    uuid           NOT NULL,
    currency   text           NOT NULL CHECK (currency ~ '^[A-Z0-9]{1,16}$'),
    available  numeric(38,18) NOT NULL CHECK (available >= 0), -- last line of defence: the service refuses first
    created_at timestamptz    NOT NULL DEFAULT now(),
    updated_at timestamptz    NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, currency)
);

-- Every operation the wallet was asked to do, keyed by its idempotency key, with its outcome: the first answer is
-- stored and given again to every later delivery of the same operation id.
-- A row with kind NULL is a mark left by a reversal that arrived before its operation: the operation is refused.
CREATE TABLE IF NOT EXISTS wallet.operations (
    operation_id          uuid        PRIMARY KEY,
    kind                  text        CHECK (kind IN ('Debit', 'Credit', 'Deposit', 'Reversal')),
    trade_id              uuid,
    user_id               uuid,
    currency              text,
    amount                numeric,    -- as requested; unconstrained so that a refused amount is recorded exactly
    reason                text,
    original_operation_id uuid,       -- the operation a reversal undoes
    status                text        NOT NULL CHECK (status IN ('Pending', 'Applied', 'Refused')),
    error_code            text,
    message               text,       -- why it was refused, or why a reversal posted nothing
    change                numeric(38,18), -- signed change posted to the account (0 for a reversal with nothing to undo)
    balance_after         numeric(38,18),
    reversed_by           uuid,       -- the reversal that undid or marked this operation
    created_at            timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'Refused') = (error_code IS NOT NULL))
);

-- The append-only ledger: one entry per applied operation that changed a balance.
-- For every account, available = sum(amount) of its entries, and balance_after is the running sum.
CREATE TABLE IF NOT EXISTS wallet.ledger_entries (
    entry_id      bigint         GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    operation_id  uuid           NOT NULL UNIQUE REFERENCES wallet.operations (operation_id),
    trade_id      uuid,          -- null for deposits
    user_id       uuid           NOT NULL,
    currency      text           NOT NULL,
    amount        numeric(38,18) NOT NULL CHECK (amount <> 0),
    reason        text           NOT NULL CHECK (reason IN ('TradeSettlement', 'FeeCollection', 'SettlementRollback', 'Deposit')),
    balance_after numeric(38,18) NOT NULL CHECK (balance_after >= 0),
    created_at    timestamptz    NOT NULL DEFAULT now(),
    FOREIGN KEY (user_id, currency) REFERENCES wallet.accounts (user_id, currency)
);

CREATE INDEX IF NOT EXISTS ledger_entries_by_account ON wallet.ledger_entries (user_id, currency, entry_id);
CREATE INDEX IF NOT EXISTS ledger_entries_by_trade ON wallet.ledger_entries (trade_id) WHERE trade_id IS NOT NULL;

CREATE OR REPLACE FUNCTION wallet.reject_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'wallet.ledger_entries is append-only: % is not allowed', TG_OP;
END
$$;

CREATE OR REPLACE TRIGGER ledger_entries_append_only
    BEFORE UPDATE OR DELETE ON wallet.ledger_entries
    FOR EACH ROW EXECUTE FUNCTION wallet.reject_ledger_change();

CREATE OR REPLACE TRIGGER ledger_entries_no_truncate
    BEFORE TRUNCATE ON wallet.ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION wallet.reject_ledger_change();
