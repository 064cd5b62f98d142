namespace Jobs.Sandbox.Warehouse;

/// <summary>
/// A warehouse management system that publishes count snapshots as CSV:
/// <c>GET /warehouse/{warehouse}/snapshots/{snapshotId}</c> (text/csv; 404 for an unknown warehouse
/// or snapshot), <c>PUT</c> to the same address to publish one (for demos), and
/// <c>GET /warehouse/{warehouse}/snapshots</c> to list them.
/// </summary>
public static class WarehouseEndpoints
{
    /// <summary>Adds the peer's state.</summary>
    public static IServiceCollection AddWarehouse(this IServiceCollection services) => services.AddSingleton<WarehouseState>();

    /// <summary>Maps the peer's routes under <c>/warehouse</c>.</summary>
    public static WebApplication MapWarehouse(this WebApplication app)
    {
        var group = app.MapGroup("/warehouse/{warehouse}/snapshots");
        group.MapGet("/{snapshotId}", (string warehouse, string snapshotId, WarehouseState state, HttpContext context) =>
        {
            if (state.Request(warehouse, snapshotId) is { } failure)
            {
                if (failure == WarehouseState.DropConnection)
                {
                    context.Abort();
                    return Results.Empty;
                }
                return Results.Text($"warehouse system unavailable ({failure})", statusCode: failure);
            }
            if (!state.IsKnown(warehouse))
            {
                return Results.Text($"unknown warehouse '{warehouse}'", statusCode: StatusCodes.Status404NotFound);
            }
            return state.Find(warehouse, snapshotId) is { } csv
                ? Results.Bytes(csv, "text/csv; charset=utf-8")
                : Results.Text($"warehouse '{warehouse}' has no snapshot '{snapshotId}'", statusCode: StatusCodes.Status404NotFound);
        });
        group.MapPut("/{snapshotId}", async (string warehouse, string snapshotId, HttpRequest request, WarehouseState state) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted);
            state.PutSnapshot(warehouse, snapshotId, body.ToArray());
            return Results.Created($"/warehouse/{warehouse}/snapshots/{snapshotId}", null);
        });
        group.MapGet("/", (string warehouse, WarehouseState state) =>
            state.IsKnown(warehouse)
                ? Results.Ok(state.SnapshotIds(warehouse))
                : Results.Text($"unknown warehouse '{warehouse}'", statusCode: StatusCodes.Status404NotFound));
        return app;
    }
}
