using System.Globalization;

namespace Jobs.Inventory.Snapshots;

/// <summary>
/// The layout of a count snapshot: a header line naming the columns <c>sku</c>, <c>quantity</c> and
/// <c>counted_at</c> (any order, any case; other columns are ignored), then one line per SKU. Every
/// line has as many fields as the header; the quantity is a whole number of at least 0; counted_at
/// is an ISO 8601 time with its offset (<c>2024-06-01T06:30:00Z</c>, <c>2024-06-01T08:30:00+02:00</c>).
/// </summary>
internal sealed class SnapshotCsv
{
    /// <summary>The columns a snapshot must have.</summary>
    public const string Columns = "sku, quantity, counted_at";

    private const int MaxSkuLength = 128;

    private static readonly string[] TimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
    ];

    private readonly int _width;
    private readonly int _sku;
    private readonly int _quantity;
    private readonly int _countedAt;
    private readonly List<string> _fields = new(8);

    // Snapshots usually stamp many lines with the same time: parse each distinct text once.
    private string? _lastTime;
    private DateTimeOffset _lastCountedAt;

    private SnapshotCsv(int width, int sku, int quantity, int countedAt)
    {
        _width = width;
        _sku = sku;
        _quantity = quantity;
        _countedAt = countedAt;
    }

    /// <summary>Reads the header line; null (with the problem) when it is not a snapshot header.</summary>
    public static SnapshotCsv? FromHeader(string header, out string? problem)
    {
        var fields = new List<string>();
        int sku = -1, quantity = -1, countedAt = -1;
        if (CsvLine.Split(header.TrimStart('\uFEFF'), fields))
        {
            for (var i = 0; i < fields.Count; i++)
            {
                switch (fields[i].Trim().ToLowerInvariant())
                {
                    case "sku": sku = sku < 0 ? i : -2; break;
                    case "quantity": quantity = quantity < 0 ? i : -2; break;
                    case "counted_at": countedAt = countedAt < 0 ? i : -2; break;
                }
            }
        }
        if (sku < 0 || quantity < 0 || countedAt < 0)
        {
            problem = $"the header must name the columns {Columns} once each; found '{Shorten(header)}'";
            return null;
        }
        problem = null;
        return new SnapshotCsv(fields.Count, sku, quantity, countedAt);
    }

    /// <summary>Parses one line after the header; false (with the problem) when it is malformed.</summary>
    public bool TryParse(string line, out CountRow row, out string? problem)
    {
        row = default;
        if (!CsvLine.Split(line, _fields))
        {
            problem = "a quoted field is not closed, or text follows its closing quote";
            return false;
        }
        if (_fields.Count != _width)
        {
            problem = $"{_fields.Count} fields where the header has {_width}";
            return false;
        }
        var sku = _fields[_sku].Trim();
        if (sku.Length is 0 or > MaxSkuLength)
        {
            problem = sku.Length == 0 ? "the sku is empty" : $"the sku is longer than {MaxSkuLength} characters";
            return false;
        }
        if (!TryParseQuantity(_fields[_quantity], out var quantity, out problem)
            || !TryParseTime(_fields[_countedAt], out var countedAt, out problem))
        {
            return false;
        }
        row = new CountRow(sku, quantity, countedAt);
        return true;
    }

    private static bool TryParseQuantity(string text, out int quantity, out string? problem)
    {
        const NumberStyles Styles = NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite;
        if (!int.TryParse(text, Styles, CultureInfo.InvariantCulture, out quantity))
        {
            problem = long.TryParse(text, Styles, CultureInfo.InvariantCulture, out _)
                ? $"quantity {text.Trim()} is too large"
                : $"quantity '{Shorten(text)}' is not a whole number";
            return false;
        }
        problem = quantity < 0 ? $"quantity {quantity} is negative" : null;
        return quantity >= 0;
    }

    private bool TryParseTime(string text, out DateTimeOffset countedAt, out string? problem)
    {
        problem = null;
        if (text == _lastTime)
        {
            countedAt = _lastCountedAt;
            return true;
        }
        if (!DateTimeOffset.TryParseExact(text.Trim(), TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out countedAt))
        {
            problem = $"counted_at '{Shorten(text)}' is not an ISO 8601 time with an offset (e.g. 2024-06-01T06:30:00Z)";
            return false;
        }
        _lastTime = text;
        _lastCountedAt = countedAt;
        return true;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
