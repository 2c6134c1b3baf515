-- migrate:up
set lock_timeout = '5s';
set statement_timeout = '60s';

-- Premium customers pay less (services/pricing.sql). The new rule only
-- widens the old one, which every row already meets, so validating it finds
-- nothing to refuse.
-- squawk-ignore ban-drop-constraint
alter table app_private.users drop constraint users_role_known;
alter table app_private.users add constraint users_role_known
check (role in ('user', 'premium', 'admin')) not valid;
-- squawk-ignore constraint-missing-not-valid
alter table app_private.users validate constraint users_role_known;

create table if not exists app_private.products (
    id bigint generated always as identity primary key,
    sku text not null,
    name text not null, -- noqa: RF04
    description text not null default '',
    price numeric(12, 2) not null,
    is_active boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint products_sku_key unique (sku),
    constraint products_price_not_negative check (price >= 0),
    constraint products_sku_length check (length(sku) between 1 and 64),
    constraint products_name_length check (length(name) between 1 and 200)
);

-- Stock per product: on_hand units in the warehouse, reserved of them held by
-- orders not yet shipped. Available = on_hand - reserved, never below zero.
-- Unit counts stay far below 2^31 (an order line holds at most 1000).
create table if not exists app_private.inventory (
    product_id bigint primary key references app_private.products (id) on delete cascade,
    -- squawk-ignore prefer-bigint-over-int
    on_hand integer not null default 0,
    -- squawk-ignore prefer-bigint-over-int
    reserved integer not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint inventory_within_stock check (reserved >= 0 and reserved <= on_hand)
);

-- An order and its lines keep the prices of the moment it was placed.
create table if not exists app_private.orders (
    id bigint generated always as identity primary key,
    user_id bigint not null references app_private.users (id),
    status text not null default 'pending',
    idempotency_key text not null,
    currency text not null default 'USD',
    subtotal numeric(12, 2) not null,
    discount numeric(12, 2) not null,
    tax numeric(12, 2) not null,
    total numeric(12, 2) not null,
    payment_reference text,
    tracking_number text,
    trace_id text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint orders_status_known check (
        status in (
            'pending', 'paid', 'payment_failed', 'processing', 'shipped', 'delivered', 'cancelled'
        )
    ),
    constraint orders_idempotency_key_length check (length(idempotency_key) between 1 and 200),
    -- Invariants of the pricing code (services/pricing.sql), not input rules.
    constraint orders_total_adds_up check (total = subtotal - discount + tax),
    constraint orders_money_not_negative check (
        subtotal >= 0 and discount >= 0 and discount <= subtotal and tax >= 0
    ),
    constraint orders_currency_code check (currency ~ '^[A-Z]{3}$')
);

-- Placing the same order twice (a retried call) finds the first one.
create unique index if not exists orders_user_idempotency_key
on app_private.orders (user_id, idempotency_key);
create index if not exists orders_user_id on app_private.orders (user_id, id);
create index if not exists orders_status on app_private.orders (status);
-- What app.expire_unpaid_orders scans.
create index if not exists orders_pending_created_at
on app_private.orders (created_at)
where status = 'pending';

create table if not exists app_private.order_lines (
    order_id bigint not null references app_private.orders (id) on delete cascade,
    product_id bigint not null references app_private.products (id),
    -- squawk-ignore prefer-bigint-over-int
    quantity integer not null,
    unit_price numeric(12, 2) not null,
    line_total numeric(12, 2) not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (order_id, product_id),
    constraint order_lines_quantity_range check (quantity between 1 and 1000),
    constraint order_lines_price_not_negative check (unit_price >= 0),
    constraint order_lines_total_adds_up check (line_total = unit_price * quantity)
);

create index if not exists order_lines_product_id on app_private.order_lines (product_id);

-- migrate:down
set lock_timeout = '5s';
-- squawk-ignore ban-drop-table
drop table if exists app_private.order_lines;
-- squawk-ignore ban-drop-table
drop table if exists app_private.orders;
-- squawk-ignore ban-drop-table
drop table if exists app_private.inventory;
-- squawk-ignore ban-drop-table
drop table if exists app_private.products;
-- squawk-ignore ban-drop-constraint
alter table app_private.users drop constraint users_role_known;
alter table app_private.users add constraint users_role_known
check (role in ('user', 'admin')) not valid;
