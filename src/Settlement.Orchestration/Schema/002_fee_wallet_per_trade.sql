-- The fee wallet a trade pays its fee to is fixed when the trade starts, so that every instance (and every resend)
-- sends that trade's fee leg to the same account even if the configured fee wallet changes meanwhile.
ALTER TABLE settlement.settlements
    ADD COLUMN IF NOT EXISTS fee_wallet_user_id uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000001';
ALTER TABLE settlement.settlements ALTER COLUMN fee_wallet_user_id DROP DEFAULT;
