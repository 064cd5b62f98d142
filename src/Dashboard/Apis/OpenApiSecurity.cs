using Jobs.Dashboard.Security;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Jobs.Dashboard.Apis;

/// <summary>The OpenAPI document's description of the API and its bearer scheme (API keys), required by every operation.</summary>
internal sealed class OpenApiSecurity : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Jobs API",
            Version = "v1",
            Description = "Enqueue, read and steer background jobs. Authenticate with an API key: 'Authorization: Bearer jobs_...'. " +
                "Errors are application/problem+json. See docs/api.md.",
        };
        // Not the request's own scheme and Host (the default), which a client chooses: a forged Host
        // would come back as the API's address.
        document.Servers = [new OpenApiServer { Url = "/" }];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[DashboardPolicies.ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "jobs_{prefix}_{secret}",
            Description = "An API key made by an admin (dashboard or 'Jobs.Dashboard create-api-key'), scoped to kinds and queues; " +
                "role producer (enqueue, read) or operator (also retry, cancel, delete, requeue).",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(DashboardPolicies.ApiKeyScheme, document)] = [] }];
        return Task.CompletedTask;
    }
}
