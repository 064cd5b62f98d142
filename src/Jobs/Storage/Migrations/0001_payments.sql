-- The payment ledger: one row per authorized payment, moved by the payment.capture job from
-- authorized -> capturing -> captured | failed. Amounts are in the currency's minor unit (cents),
-- as the gateway counts them. The CHECK constraints are the ledger's invariants: whatever code
-- writes here, a row can never claim more than was authorized, a captured row always says how
-- much, and a failed row always says why.
create table {{schema}}.payment (
    id                 bigint generated always as identity primary key,
    -- The gateway's PaymentIntent (pi_...), authorized with capture_method=manual.
    payment_intent_id  text        not null,
    -- ISO 4217, lower case as the gateway writes it; the job checks the code against its list.
    currency           text        not null,
    amount_authorized  bigint      not null,
    -- What the capture in flight (or done) asked for; set when the row leaves 'authorized'.
    amount_to_capture  bigint,
    -- What the gateway reports as received (amount_received); set only when captured.
    amount_captured    bigint,
    status             text        not null default 'authorized',
    -- The gateway's charge (latest_charge), when it reports one.
    charge_id          text,
    failure_code       text,
    failure_reason     text,
    -- The last transient error while capturing (network, 429, 5xx): why the row is still capturing.
    last_error         text,
    capture_attempts   integer     not null default 0,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    capture_started_at timestamptz,
    captured_at        timestamptz,
    failed_at          timestamptz,

    -- One ledger row per intent: a second row could start a second capture.
    constraint payment_intent_unique unique (payment_intent_id),
    constraint payment_intent_id_format check (payment_intent_id ~ '^[A-Za-z0-9_]{1,255}$'),
    constraint payment_status_valid check (status in ('authorized', 'capturing', 'captured', 'failed')),
    constraint payment_currency_format check (currency ~ '^[a-z]{3}$'),
    constraint payment_amount_authorized_positive check (amount_authorized > 0),
    constraint payment_amount_to_capture_range check (amount_to_capture is null or amount_to_capture between 1 and amount_authorized),
    constraint payment_amount_captured_range check (amount_captured is null or amount_captured between 0 and amount_authorized),
    constraint payment_capture_attempts_non_negative check (capture_attempts >= 0),
    -- Only an authorized row has not started capturing; every later state knows what it asked for.
    constraint payment_capture_started check (
        (status = 'authorized') = (amount_to_capture is null and capture_started_at is null)),
    -- Captured, and only captured, has the amount received and the time.
    constraint payment_captured_complete check (
        (status = 'captured') = (amount_captured is not null and captured_at is not null)),
    -- Failed, and only failed, has a reason and the time.
    constraint payment_failed_has_reason check (
        (status = 'failed') = (failure_reason is not null and failed_at is not null)),
    constraint payment_failure_code_only_when_failed check (failure_code is null or status = 'failed')
);
