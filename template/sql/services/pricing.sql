-- Pricing: what an order costs, computed in the database with numeric (never
-- float) and rounded half-up to cents.
--
--   app.round_money(amount)              half-up to cents
--   app.premium_discount_rate()          setting premium_discount_rate, default 0.10
--   app.tax_rate()                       setting tax_rate, default 0.08
--   app.line_total(unit_price, quantity)
--   app.price_order(subtotal, role)      -> app.order_price
--       discount: the premium rate on the subtotal for role 'premium', else 0;
--       tax: the tax rate on what is left (subtotal - discount);
--       total = subtotal - discount + tax
--
-- Store a rate with app.set_setting('tax_rate', '0.2'): a fraction from 0 to 1.

-- round() on numeric rounds halves away from zero: for the amounts of an
-- order, which are never negative, that is half-up.
create or replace function app.round_money(amount numeric)
returns numeric
language sql
immutable strict
set search_path = pg_catalog, pg_temp
as $$
    select round(amount, 2)
$$;

-- A rate from the settings; a value that is not a fraction from 0 to 1 is a
-- configuration error, reported rather than applied.
create or replace function app.rate_setting(key text, fallback numeric)
returns numeric
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    raw text := app.setting(key);
    rate numeric;
begin
    if raw is null then
        return fallback;
    end if;
    if raw !~ '^\s*[0-9]*[.]?[0-9]+\s*$' or raw::numeric > 1 then
        raise exception using
            errcode = '22023', message = format('%s must be a fraction from 0 to 1', key);
    end if;
    rate := raw::numeric;
    return rate;
end;
$$;

create or replace function app.premium_discount_rate()
returns numeric
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select app.rate_setting('premium_discount_rate', 0.10)
$$;

create or replace function app.tax_rate()
returns numeric
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select app.rate_setting('tax_rate', 0.08)
$$;

create or replace function app.line_total(unit_price numeric, quantity integer)
returns numeric
language sql
immutable strict
set search_path = pg_catalog, pg_temp
as $$
    select app.round_money(unit_price * quantity)
$$;

create or replace function app.price_order(subtotal numeric, role text)
returns app.order_price
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    base numeric := app.round_money(coalesce(subtotal, 0));
    discount numeric := 0;
    tax numeric;
begin
    if role = 'premium' then
        discount := app.round_money(base * app.premium_discount_rate());
    end if;
    tax := app.round_money((base - discount) * app.tax_rate());
    return row(base, discount, tax, base - discount + tax)::app.order_price;
end;
$$;
