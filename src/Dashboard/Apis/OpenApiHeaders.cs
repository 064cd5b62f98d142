using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Jobs.Dashboard.Apis;

/// <summary>The headers the API reads besides the key: <c>X-Correlation-ID</c> on every route, <c>Idempotency-Key</c> on a single enqueue.</summary>
internal sealed class OpenApiHeaders : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(Header(CorrelationIdFilter.Header, 200,
            "Ties the request to the jobs it enqueues (stored on them unless the body names a correlationId) and to its log lines; " +
            "echoed in the response. A new one when omitted."));
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().Any(n => n.EndpointName == "EnqueueJob"))
        {
            operation.Parameters.Add(Header("Idempotency-Key", 512,
                "As idempotencyKey in the body: while a job of the kind holds it, the existing job is returned (200)."));
        }
        return Task.CompletedTask;
    }

    private static OpenApiParameter Header(string name, int maxLength, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = false,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = maxLength },
    };
}
