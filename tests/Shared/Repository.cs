namespace Jobs.Testing;

/// <summary>The repository the tests run from.</summary>
public static class Repository
{
    /// <summary>The folder holding <c>Jobs.sln</c>, found upwards from the test's binaries.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Jobs.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"Jobs.sln not found above {AppContext.BaseDirectory}.");
    }
}
