-- Demo tenants and memberships for `make run`; every policy has someone to exercise it.
-- Straight SQL on purpose: the triggers bump versions exactly as API writes do.
INSERT INTO tenants (id, display_name, cerbos_scope, status, tier) VALUES
    ('acme',    'Acme Corp',   'acme', 'active',    'pro'),
    ('globex',  'Globex Inc',  '',     'active',    'free'),
    ('initech', 'Initech LLC', '',     'suspended', 'enterprise')
ON CONFLICT (id) DO NOTHING;

INSERT INTO teams (tenant_id, id, display_name) VALUES
    ('acme', 'red', 'Red team'),
    ('acme', 'blue', 'Blue team')
ON CONFLICT DO NOTHING;

INSERT INTO memberships (tenant_id, principal_id, team_id, roles, attr) VALUES
    -- alice: admin in acme, only a viewer in globex (no bleed between them)
    ('acme',    'alice', '',    '{org_admin}',   '{"department": "it"}'),
    ('globex',  'alice', '',    '{viewer}',      '{}'),
    -- bob: member of acme, and lead of the red team
    ('acme',    'bob',   '',    '{member}',      '{}'),
    ('acme',    'bob',   'red', '{team_lead}',   '{}'),
    -- carol: viewer in acme, member of the blue team
    ('acme',    'carol', '',    '{viewer}',      '{}'),
    ('acme',    'carol', 'blue','{team_member}', '{}'),
    -- dave: member of globex only
    ('globex',  'dave',  '',    '{member}',      '{}'),
    -- erin: admin of a suspended tenant (denied everything)
    ('initech', 'erin',  '',    '{org_admin}',   '{}')
ON CONFLICT DO NOTHING;
