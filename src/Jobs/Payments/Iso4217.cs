namespace Jobs.Payments;

/// <summary>
/// The ISO 4217 alphabetic codes of the currencies money is paid in (list one of the standard, as
/// of 2025, including ANG beside its successor XCG while both circulate). Fund codes (BOV, CHE,
/// CHW, CLF, COU, MXV, USN, UYI, UYW), precious metals, bond units, XDR, XSU, XUA and the codes for
/// testing and "no currency" (XTS, XXX) are ISO codes but not currencies a card is charged in, so
/// they are refused; so are withdrawn codes (HRK, CUC, SLL, ZWL...).
/// </summary>
internal static class Iso4217
{
    private static readonly HashSet<string> Codes = new(StringComparer.OrdinalIgnoreCase)
    {
        "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN",
        "BAM", "BBD", "BDT", "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD",
        "CAD", "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK",
        "DJF", "DKK", "DOP", "DZD",
        "EGP", "ERN", "ETB", "EUR",
        "FJD", "FKP",
        "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD",
        "HKD", "HNL", "HTG", "HUF",
        "IDR", "ILS", "INR", "IQD", "IRR", "ISK",
        "JMD", "JOD", "JPY",
        "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT",
        "LAK", "LBP", "LKR", "LRD", "LSL", "LYD",
        "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN",
        "NAD", "NGN", "NIO", "NOK", "NPR", "NZD",
        "OMR",
        "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG",
        "QAR",
        "RON", "RSD", "RUB", "RWF",
        "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL",
        "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS",
        "UAH", "UGX", "USD", "UYU", "UZS",
        "VED", "VES", "VND", "VUV",
        "WST",
        "XAF", "XCD", "XCG", "XOF", "XPF",
        "YER",
        "ZAR", "ZMW", "ZWG",
    };

    /// <summary>True when <paramref name="code"/> is a currency of the list, in any letter case.</summary>
    public static bool IsCurrency(string? code) => code is { Length: 3 } && Codes.Contains(code);

    /// <summary>The code as the gateway and the ledger write it: lower case.</summary>
    public static string Normalize(string code) => code.ToLowerInvariant();
}
