namespace AuthzService.Infrastructure.Postgres;

/// <summary>The directory's SQL, kept apart so the adapter reads as C#.</summary>
internal static class DirectorySql
{
    // One statement, so one snapshot: the memberships and the versions can never disagree.
    // LEFT JOINs from a one-row relation return exactly one row even when nothing exists.
    public const string ReadPrincipal = """
        SELECT t.id AS TenantId, t.display_name AS DisplayName, t.cerbos_scope AS CerbosScope,
               t.status AS Status, t.tier AS Tier,
               tw.roles AS WideRoles, tw.attr::text AS WideAttr,
               tm.roles AS TeamRoles, tm.attr::text AS TeamAttr,
               COALESCE((SELECT version FROM tenant_versions WHERE tenant_id = @tenant), 0) AS TenantVersion,
               COALESCE((SELECT version FROM principal_versions
                         WHERE tenant_id = @tenant AND principal_id = @principal), 0) AS PrincipalVersion,
               (SELECT epoch FROM policy_epoch WHERE singleton) AS PolicyEpoch
        FROM (SELECT 1) AS one
        LEFT JOIN tenants t ON t.id = @tenant
        LEFT JOIN memberships tw ON tw.tenant_id = @tenant AND tw.principal_id = @principal AND tw.team_id = ''
        LEFT JOIN memberships tm ON tm.tenant_id = @tenant AND tm.principal_id = @principal
                                AND tm.team_id = @team AND @team <> ''
        """;

    // The WHERE on DO UPDATE makes a re-write of identical data a no-op: no row returned, no trigger, no bump.
    public const string UpsertTenant = """
        INSERT INTO tenants (id, display_name, cerbos_scope, status, tier)
        VALUES (@Id, @DisplayName, @CerbosScope, @Status, @Tier)
        ON CONFLICT (id) DO UPDATE
            SET display_name = EXCLUDED.display_name, cerbos_scope = EXCLUDED.cerbos_scope,
                status = EXCLUDED.status, tier = EXCLUDED.tier, updated_at = now()
            WHERE (tenants.display_name, tenants.cerbos_scope, tenants.status, tenants.tier)
                IS DISTINCT FROM (EXCLUDED.display_name, EXCLUDED.cerbos_scope, EXCLUDED.status, EXCLUDED.tier)
        RETURNING (xmax = 0);
        SELECT COALESCE((SELECT version FROM tenant_versions WHERE tenant_id = @Id), 0);
        """;

    public const string DeleteTenant = """
        DELETE FROM tenants WHERE id = @Id RETURNING false;
        SELECT COALESCE((SELECT version FROM tenant_versions WHERE tenant_id = @Id), 0);
        """;

    // A team membership creates its team (in the same tenant) on first use: the API has no team
    // management, and the foreign key still guarantees the team belongs to the membership's tenant.
    public const string UpsertMembership = """
        INSERT INTO teams (tenant_id, id) SELECT @TenantId, @TeamId WHERE @TeamId <> ''
        ON CONFLICT (tenant_id, id) DO NOTHING;
        INSERT INTO memberships (tenant_id, principal_id, team_id, roles, attr)
        VALUES (@TenantId, @PrincipalId, @TeamId, @Roles, CAST(@Attr AS jsonb))
        ON CONFLICT (tenant_id, principal_id, team_id) DO UPDATE
            SET roles = EXCLUDED.roles, attr = EXCLUDED.attr, updated_at = now()
            WHERE (memberships.roles, memberships.attr) IS DISTINCT FROM (EXCLUDED.roles, EXCLUDED.attr)
        RETURNING (xmax = 0);
        SELECT COALESCE((SELECT version FROM principal_versions
                         WHERE tenant_id = @TenantId AND principal_id = @PrincipalId), 0);
        """;

    public const string DeleteMembership = """
        DELETE FROM memberships WHERE tenant_id = @TenantId AND principal_id = @PrincipalId AND team_id = @TeamId
        RETURNING false;
        SELECT COALESCE((SELECT version FROM principal_versions
                         WHERE tenant_id = @TenantId AND principal_id = @PrincipalId), 0);
        """;

    // Keyset paging on the primary key: stable under concurrent writes, no OFFSET scans.
    public const string ListMembershipsFirst = """
        SELECT tenant_id AS TenantId, principal_id AS PrincipalId, team_id AS TeamId, roles AS Roles, attr::text AS Attr
        FROM memberships WHERE tenant_id = @TenantId AND (@PrincipalId::text IS NULL OR principal_id = @PrincipalId)
        ORDER BY principal_id, team_id LIMIT @Limit
        """;

    public const string ListMembershipsAfter = """
        SELECT tenant_id AS TenantId, principal_id AS PrincipalId, team_id AS TeamId, roles AS Roles, attr::text AS Attr
        FROM memberships WHERE tenant_id = @TenantId AND (@PrincipalId::text IS NULL OR principal_id = @PrincipalId)
          AND (principal_id, team_id) > (@AfterPrincipal, @AfterTeam)
        ORDER BY principal_id, team_id LIMIT @Limit
        """;

    public const string GetTenant = """
        SELECT id AS Id, display_name AS DisplayName, cerbos_scope AS CerbosScope, status AS Status, tier AS Tier
        FROM tenants WHERE id = @Id
        """;

    public const string ListTenants = """
        SELECT id AS Id, display_name AS DisplayName, cerbos_scope AS CerbosScope, status AS Status, tier AS Tier
        FROM tenants WHERE @After::text IS NULL OR id > @After
        ORDER BY id LIMIT @Limit
        """;

    public const string BumpPrincipal = "SELECT authz_bump_principal(@TenantId, @PrincipalId)";

    public const string BumpTenant = "SELECT authz_bump_tenant(@TenantId)";

    public const string BumpPolicyEpoch = "SELECT authz_bump_policy_epoch(@Label)";
}
