-- 0001: the membership directory, its version stamps and the invalidation triggers.
--
-- Rules this schema enforces (not just the code):
-- * every id is text of 1..128 characters (any character PostgreSQL text can hold);
--   ids compare with COLLATE "C" so ordering and paging are byte-stable across locales;
-- * a team membership's tenant IS its team's tenant: the (tenant_id, team_ref) foreign key
--   makes a cross-tenant team membership impossible, whoever writes the row;
-- * version rows are never deleted and have no foreign keys: deleting and re-creating a
--   tenant or membership must never reuse a version, or old cache keys would come back to life.

-- The NOTIFY channel. A function, not a literal, so a later migration can namespace it
-- (for example with the cache prefix) in one place.
CREATE FUNCTION authz_invalidation_channel() RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT 'authz_invalidation'::text $$;

CREATE TABLE tenants (
    id           text COLLATE "C" PRIMARY KEY CHECK (char_length(id) BETWEEN 1 AND 128),
    display_name text NOT NULL DEFAULT '' CHECK (char_length(display_name) <= 256),
    -- Cerbos scope: dot-separated segments of [A-Za-z0-9_-], first character alphanumeric; '' = base policies.
    cerbos_scope text NOT NULL DEFAULT ''
        CHECK (char_length(cerbos_scope) <= 128
               AND cerbos_scope ~ '^([A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*)?$'),
    status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    tier         text NOT NULL DEFAULT '' CHECK (char_length(tier) <= 64),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE teams (
    tenant_id    text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id           text COLLATE "C" NOT NULL CHECK (char_length(id) BETWEEN 1 AND 128),
    display_name text NOT NULL DEFAULT '' CHECK (char_length(display_name) <= 256),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE memberships (
    tenant_id    text COLLATE "C" NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    principal_id text COLLATE "C" NOT NULL CHECK (char_length(principal_id) BETWEEN 1 AND 128),
    -- '' = the tenant-wide membership. Part of the primary key, so it cannot be NULL.
    team_id      text COLLATE "C" NOT NULL DEFAULT '' CHECK (char_length(team_id) <= 128),
    -- NULL for tenant-wide rows, so the team foreign key below only applies to team rows
    -- (MATCH SIMPLE skips rows with a NULL column).
    team_ref     text COLLATE "C" GENERATED ALWAYS AS (NULLIF(team_id, '')) STORED,
    roles        text[] NOT NULL DEFAULT '{}'
        CHECK (array_position(roles, NULL) IS NULL AND cardinality(roles) <= 64),
    attr         jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attr) = 'object'),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, principal_id, team_id),
    FOREIGN KEY (tenant_id, team_ref) REFERENCES teams (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE principal_versions (
    tenant_id    text COLLATE "C" NOT NULL,
    principal_id text COLLATE "C" NOT NULL,
    version      bigint NOT NULL,
    PRIMARY KEY (tenant_id, principal_id)
);

CREATE TABLE tenant_versions (
    tenant_id text COLLATE "C" PRIMARY KEY,
    version   bigint NOT NULL
);

CREATE TABLE policy_epoch (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    epoch      bigint NOT NULL,
    label      text,
    updated_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO policy_epoch (singleton, epoch) VALUES (true, 1);

-- Explicit bumps (CacheService.Invalidate) and the triggers share these, so both notify the same way.
CREATE FUNCTION authz_bump_principal(p_tenant_id text, p_principal_id text) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    v bigint;
BEGIN
    INSERT INTO principal_versions AS pv (tenant_id, principal_id, version)
    VALUES (p_tenant_id, p_principal_id, 1)
    ON CONFLICT (tenant_id, principal_id) DO UPDATE SET version = pv.version + 1
    RETURNING pv.version INTO v;
    PERFORM pg_notify(authz_invalidation_channel(), json_build_object(
        'kind', 'principal', 'tenant_id', p_tenant_id, 'principal_id', p_principal_id, 'version', v)::text);
    RETURN v;
END
$$;

CREATE FUNCTION authz_bump_tenant(p_tenant_id text) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    v bigint;
BEGIN
    INSERT INTO tenant_versions AS tv (tenant_id, version)
    VALUES (p_tenant_id, 1)
    ON CONFLICT (tenant_id) DO UPDATE SET version = tv.version + 1
    RETURNING tv.version INTO v;
    PERFORM pg_notify(authz_invalidation_channel(), json_build_object(
        'kind', 'tenant', 'tenant_id', p_tenant_id, 'version', v)::text);
    RETURN v;
END
$$;

CREATE FUNCTION authz_bump_policy_epoch(p_label text DEFAULT NULL) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    v bigint;
BEGIN
    UPDATE policy_epoch SET epoch = epoch + 1, label = p_label, updated_at = now()
    WHERE singleton
    RETURNING epoch INTO v;
    PERFORM pg_notify(authz_invalidation_channel(), json_build_object('kind', 'policy', 'version', v)::text);
    RETURN v;
END
$$;

CREATE FUNCTION authz_memberships_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM authz_bump_principal(OLD.tenant_id, OLD.principal_id);
    END IF;
    -- An UPDATE that moves a row to another principal changes two principals.
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE'
        AND (NEW.tenant_id, NEW.principal_id) IS DISTINCT FROM (OLD.tenant_id, OLD.principal_id)) THEN
        PERFORM authz_bump_principal(NEW.tenant_id, NEW.principal_id);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION authz_tenants_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM authz_bump_tenant(OLD.id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.id IS DISTINCT FROM OLD.id) THEN
        PERFORM authz_bump_tenant(NEW.id);
    END IF;
    RETURN NULL;
END
$$;

-- A team change can change what a team membership means, so it bumps the whole tenant.
CREATE FUNCTION authz_teams_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM authz_bump_tenant(OLD.tenant_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.tenant_id IS DISTINCT FROM OLD.tenant_id) THEN
        PERFORM authz_bump_tenant(NEW.tenant_id);
    END IF;
    RETURN NULL;
END
$$;

-- UPDATE triggers fire only when something really changed, so an idempotent re-write is silent.
CREATE TRIGGER memberships_insert_delete AFTER INSERT OR DELETE ON memberships
    FOR EACH ROW EXECUTE FUNCTION authz_memberships_changed();
CREATE TRIGGER memberships_update AFTER UPDATE ON memberships
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION authz_memberships_changed();

CREATE TRIGGER tenants_insert_delete AFTER INSERT OR DELETE ON tenants
    FOR EACH ROW EXECUTE FUNCTION authz_tenants_changed();
CREATE TRIGGER tenants_update AFTER UPDATE ON tenants
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION authz_tenants_changed();

CREATE TRIGGER teams_insert_delete AFTER INSERT OR DELETE ON teams
    FOR EACH ROW EXECUTE FUNCTION authz_teams_changed();
CREATE TRIGGER teams_update AFTER UPDATE ON teams
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION authz_teams_changed();
