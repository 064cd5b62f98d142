namespace Jobs.Dashboard.Tests.Security;

/// <summary>
/// An HTTP client that keeps cookies as a browser does (also Secure ones: it stands for a browser
/// that speaks HTTPS to a proxy in front of the plain HTTP this test reaches), and that can send
/// the headers a proxy adds or a forged Host. Redirects are not followed.
/// </summary>
public sealed class Browser : IDisposable
{
    private readonly Jar _jar;

    public Browser(Uri address, string? forwardedFor = null, string? forwardedProto = null)
    {
        _jar = new Jar(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { ForwardedFor = forwardedFor, ForwardedProto = forwardedProto };
        Http = new HttpClient(_jar) { BaseAddress = address };
    }

    /// <summary>The client itself, for <see cref="DashboardForms"/>.</summary>
    public HttpClient Http { get; }

    /// <summary>The cookies held, by name.</summary>
    public IDictionary<string, string> Cookies => _jar.Cookies;

    /// <summary>Each cookie's last Set-Cookie header, by name, for its attributes.</summary>
    public IReadOnlyDictionary<string, string> SetCookies => _jar.SetCookies;

    /// <summary>The Host header to send instead of the address's own.</summary>
    public string? Host { get => _jar.Host; set => _jar.Host = value; }

    public Task<HttpResponseMessage> GetAsync(string path) => Http.GetAsync(path);

    public Task<HttpResponseMessage> SignInAsync(string username, string password) => DashboardForms.SignInAsync(Http, username, password);

    public void Dispose() => Http.Dispose();

    private sealed class Jar(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public Dictionary<string, string> Cookies { get; } = [];
        public Dictionary<string, string> SetCookies { get; } = [];
        public string? ForwardedFor { get; init; }
        public string? ForwardedProto { get; init; }
        public string? Host { get; set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Cookies.Count > 0)
            {
                request.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
            }
            if (ForwardedFor is not null)
            {
                request.Headers.Add("X-Forwarded-For", ForwardedFor);
            }
            if (ForwardedProto is not null)
            {
                request.Headers.Add("X-Forwarded-Proto", ForwardedProto);
            }
            if (Host is not null)
            {
                request.Headers.Host = Host;
            }
            var response = await base.SendAsync(request, cancellationToken);
            foreach (var header in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            {
                var pair = header.Split(';', 2)[0];
                var (name, value) = (pair.Split('=', 2)[0].Trim(), pair.Split('=', 2) is [_, var v] ? v : "");
                SetCookies[name] = header;
                if (value.Length == 0 || header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
                {
                    Cookies.Remove(name);
                }
                else
                {
                    Cookies[name] = value;
                }
            }
            return response;
        }
    }
}
