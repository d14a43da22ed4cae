--! The schema that applying every migration to an empty PostgreSQL builds, normalised
--! (scripts/gates/migrations.sh; pg_dump --schema-only). Generated: regenerate with
--! `make schema-snapshot` after adding a migration. CI fails when the migrations no longer
--! build exactly this, or when a recorded migration's checksum changes.
--! migrations recorded in schema_migrations (version name sha256):
--! migration 1 directory 533e1f4eee69febfa6debc05bf3cb5eddd14e6457cb01595268503d18edec42f

CREATE FUNCTION public.authz_bump_policy_epoch(p_label text DEFAULT NULL::text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
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

CREATE FUNCTION public.authz_bump_principal(p_tenant_id text, p_principal_id text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
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

CREATE FUNCTION public.authz_bump_tenant(p_tenant_id text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
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

CREATE FUNCTION public.authz_invalidation_channel() RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT 'authz_invalidation'::text $$;

CREATE FUNCTION public.authz_memberships_changed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

CREATE FUNCTION public.authz_teams_changed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

CREATE FUNCTION public.authz_tenants_changed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

CREATE TABLE public.memberships (
    tenant_id text NOT NULL COLLATE pg_catalog."C",
    principal_id text NOT NULL COLLATE pg_catalog."C",
    team_id text DEFAULT ''::text NOT NULL COLLATE pg_catalog."C",
    team_ref text GENERATED ALWAYS AS (NULLIF(team_id, ''::text)) STORED COLLATE pg_catalog."C",
    roles text[] DEFAULT '{}'::text[] NOT NULL,
    attr jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT memberships_attr_check CHECK ((jsonb_typeof(attr) = 'object'::text)),
    CONSTRAINT memberships_principal_id_check CHECK (((char_length(principal_id) >= 1) AND (char_length(principal_id) <= 128))),
    CONSTRAINT memberships_roles_check CHECK (((array_position(roles, NULL::text) IS NULL) AND (cardinality(roles) <= 64))),
    CONSTRAINT memberships_team_id_check CHECK ((char_length(team_id) <= 128))
);

CREATE TABLE public.policy_epoch (
    singleton boolean DEFAULT true NOT NULL,
    epoch bigint NOT NULL,
    label text,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT policy_epoch_singleton_check CHECK (singleton)
);

CREATE TABLE public.principal_versions (
    tenant_id text NOT NULL COLLATE pg_catalog."C",
    principal_id text NOT NULL COLLATE pg_catalog."C",
    version bigint NOT NULL
);

CREATE TABLE public.schema_migrations (
    version integer NOT NULL,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.teams (
    tenant_id text NOT NULL COLLATE pg_catalog."C",
    id text NOT NULL COLLATE pg_catalog."C",
    display_name text DEFAULT ''::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT teams_display_name_check CHECK ((char_length(display_name) <= 256)),
    CONSTRAINT teams_id_check CHECK (((char_length(id) >= 1) AND (char_length(id) <= 128)))
);

CREATE TABLE public.tenant_versions (
    tenant_id text NOT NULL COLLATE pg_catalog."C",
    version bigint NOT NULL
);

CREATE TABLE public.tenants (
    id text NOT NULL COLLATE pg_catalog."C",
    display_name text DEFAULT ''::text NOT NULL,
    cerbos_scope text DEFAULT ''::text NOT NULL,
    status text DEFAULT 'active'::text NOT NULL,
    tier text DEFAULT ''::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT tenants_cerbos_scope_check CHECK (((char_length(cerbos_scope) <= 128) AND (cerbos_scope ~ '^([A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*)?$'::text))),
    CONSTRAINT tenants_display_name_check CHECK ((char_length(display_name) <= 256)),
    CONSTRAINT tenants_id_check CHECK (((char_length(id) >= 1) AND (char_length(id) <= 128))),
    CONSTRAINT tenants_status_check CHECK ((status = ANY (ARRAY['active'::text, 'suspended'::text]))),
    CONSTRAINT tenants_tier_check CHECK ((char_length(tier) <= 64))
);

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_pkey PRIMARY KEY (tenant_id, principal_id, team_id);

ALTER TABLE ONLY public.policy_epoch
    ADD CONSTRAINT policy_epoch_pkey PRIMARY KEY (singleton);

ALTER TABLE ONLY public.principal_versions
    ADD CONSTRAINT principal_versions_pkey PRIMARY KEY (tenant_id, principal_id);

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);

ALTER TABLE ONLY public.teams
    ADD CONSTRAINT teams_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY public.tenant_versions
    ADD CONSTRAINT tenant_versions_pkey PRIMARY KEY (tenant_id);

ALTER TABLE ONLY public.tenants
    ADD CONSTRAINT tenants_pkey PRIMARY KEY (id);

CREATE TRIGGER memberships_insert_delete AFTER INSERT OR DELETE ON public.memberships FOR EACH ROW EXECUTE FUNCTION public.authz_memberships_changed();

CREATE TRIGGER memberships_update AFTER UPDATE ON public.memberships FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION public.authz_memberships_changed();

CREATE TRIGGER teams_insert_delete AFTER INSERT OR DELETE ON public.teams FOR EACH ROW EXECUTE FUNCTION public.authz_teams_changed();

CREATE TRIGGER teams_update AFTER UPDATE ON public.teams FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION public.authz_teams_changed();

CREATE TRIGGER tenants_insert_delete AFTER INSERT OR DELETE ON public.tenants FOR EACH ROW EXECUTE FUNCTION public.authz_tenants_changed();

CREATE TRIGGER tenants_update AFTER UPDATE ON public.tenants FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION public.authz_tenants_changed();

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_tenant_id_team_ref_fkey FOREIGN KEY (tenant_id, team_ref) REFERENCES public.teams(tenant_id, id) ON DELETE CASCADE;

ALTER TABLE ONLY public.teams
    ADD CONSTRAINT teams_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id) ON DELETE CASCADE;

