using System.Xml;

namespace Jobs.CacheWarming;

/// <summary>
/// Reads a sitemap (sitemaps.org): a <c>urlset</c> lists pages, a <c>sitemapindex</c> lists more
/// sitemaps. Namespace-agnostic, DTDs refused (no entity expansion), relative locations resolved
/// against the sitemap's own URL, entries that are not http(s) URLs counted and skipped.
/// </summary>
internal static class SitemapReader
{
    public static Sitemap Read(byte[] body, Uri sitemapUrl)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true };
        using var reader = XmlReader.Create(new MemoryStream(body), settings);
        reader.MoveToContent();
        var isIndex = reader.LocalName switch
        {
            "urlset" => false,
            "sitemapindex" => true,
            _ => throw new XmlException($"the root element is <{reader.LocalName}>, not <urlset> or <sitemapindex>"),
        };
        var entries = new List<string>();
        var skipped = 0;
        while (!reader.EOF)
        {
            if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "loc")
            {
                reader.Read();
            }
            else
            {
                // Leaves the reader on the node after </loc>: no Read() here, or a node would be skipped.
                var text = reader.ReadElementContentAsString().Trim();
                if (Uri.TryCreate(sitemapUrl, text, out var resolved) && TargetUrl.TryParse(resolved.AbsoluteUri, out var target))
                {
                    entries.Add(target.AbsoluteUri);
                }
                else
                {
                    skipped++;
                }
            }
        }
        return new Sitemap(isIndex, entries.Distinct(StringComparer.Ordinal).ToList(), skipped);
    }
}

/// <summary>A parsed sitemap: its entries are sitemaps when <paramref name="IsIndex"/>, pages otherwise.</summary>
internal sealed record Sitemap(bool IsIndex, IReadOnlyList<string> Entries, int Skipped);
