-- Territories of the demo: world -> region -> district -> state/country.
insert into territories by name
select
    territory_id, territory_name, parent_territory_id, territory_kind,
    country_code, country_iso3, subdivision_code
from demo_territories
