using Jobs.Dashboard.Ui;
using Jobs.Operators;

namespace Jobs.Dashboard.Pages;

/// <summary>
/// The audit log, newest first, paged by id. Readable by every signed-in operator (viewers too):
/// who changed what is what someone looking into an incident needs first, and it holds no secrets.
/// </summary>
public sealed class AuditModel(AuditLog audit) : DashboardPage
{
    public const int PageSize = 100;

    public IReadOnlyList<AuditRecord> Records { get; private set; } = [];
    public long? Before { get; private set; }

    public async Task OnGetAsync(long? before, CancellationToken cancellationToken)
    {
        Before = before;
        Records = await audit.ListAsync(before, PageSize, cancellationToken);
    }
}
