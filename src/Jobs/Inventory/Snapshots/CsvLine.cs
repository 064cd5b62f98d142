using System.Text;

namespace Jobs.Inventory.Snapshots;

/// <summary>Splits one line of CSV (RFC 4180 quoting: <c>"a,b"</c>, <c>"say ""hi"""</c>; no line breaks inside quotes).</summary>
internal static class CsvLine
{
    /// <summary>Fills <paramref name="fields"/> with the line's fields; false when a quote is unterminated or followed by text.</summary>
    public static bool Split(string line, List<string> fields)
    {
        fields.Clear();
        var i = 0;
        while (true)
        {
            if (i < line.Length && line[i] == '"')
            {
                i = ReadQuoted(line, i + 1, fields);
                if (i < 0)
                {
                    return false;
                }
                if (i == line.Length)
                {
                    return true;
                }
                if (line[i] != ',')
                {
                    return false;
                }
                i++;
                continue;
            }
            var comma = line.IndexOf(',', i);
            if (comma < 0)
            {
                fields.Add(line[i..]);
                return true;
            }
            fields.Add(line[i..comma]);
            i = comma + 1;
        }
    }

    // Reads a quoted field starting after its opening quote; returns the index after the closing
    // quote, or -1 when there is none.
    private static int ReadQuoted(string line, int start, List<string> fields)
    {
        StringBuilder? escaped = null;
        var i = start;
        while (true)
        {
            var quote = line.IndexOf('"', i);
            if (quote < 0)
            {
                return -1;
            }
            if (quote + 1 < line.Length && line[quote + 1] == '"')
            {
                (escaped ??= new StringBuilder()).Append(line, i, quote - i + 1);
                i = quote + 2;
                continue;
            }
            fields.Add(escaped is null ? line[start..quote] : escaped.Append(line, i, quote - i).ToString());
            return quote + 1;
        }
    }
}
