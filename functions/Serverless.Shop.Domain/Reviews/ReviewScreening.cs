using System.Text.RegularExpressions;

namespace Serverless.Shop.Domain.Reviews;

/// <summary>
/// The automatic pre-screen every new or edited review passes before a person sees it. It only flags: a flagged review
/// always waits for staff, and a clean one is approved at once only when the merchant chose so
/// (<see cref="ReviewSettings.AutoApproveClean"/>). Flags, and what raises each (docs/reviews.md):
/// <list type="bullet">
/// <item><c>link</c>: a URL, a www. address or an e-mail address (reviews are not a place to advertise).</item>
/// <item><c>profanity</c>: a word of <see cref="ProfaneWords"/>, whole word, any case (a short list of common English
/// swear words; a merchant with other needs extends it in code or turns auto-approval off).</item>
/// <item><c>repeated-characters</c>: one character six or more times in a row ("!!!!!!", "sooooooo").</item>
/// <item><c>all-caps</c>: at least 20 letters, over 70% of them capitals.</item>
/// <item><c>repeated-text</c>: the same word of three or more letters making up at least half of at least eight words,
/// or the title and text being the same.</item>
/// </list>
/// </summary>
public static partial class ReviewScreening
{
    public static readonly IReadOnlySet<string> ProfaneWords = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "arse", "arsehole", "asshole", "bastard", "bitch", "bollocks", "bullshit", "crap", "cunt", "dick", "fuck", "fucking",
        "fucked", "motherfucker", "piss", "prick", "shit", "shitty", "slut", "twat", "wanker", "whore",
    };

    public static IReadOnlyList<string> Flags(string title, string text)
    {
        var all = title + "\n" + text;
        var flags = new List<string>();
        if (LinkPattern().IsMatch(all)) flags.Add("link");
        var words = WordPattern().Matches(all).Select(m => m.Value).ToList();
        if (words.Any(ProfaneWords.Contains)) flags.Add("profanity");
        if (RepeatedCharacterPattern().IsMatch(all)) flags.Add("repeated-characters");
        var letters = all.Where(char.IsLetter).ToList();
        if (letters.Count >= 20 && letters.Count(char.IsUpper) > 0.7 * letters.Count) flags.Add("all-caps");
        var longWords = words.Where(w => w.Length >= 3).Select(w => w.ToLowerInvariant()).ToList();
        var repeatedWord = words.Count >= 8 && longWords.GroupBy(w => w).Any(g => g.Count() * 2 >= words.Count);
        if (repeatedWord || string.Equals(title.Trim(), text.Trim(), StringComparison.OrdinalIgnoreCase)) flags.Add("repeated-text");
        return flags;
    }

    [GeneratedRegex(@"(https?://|www\.|\b[\w.+-]+@[\w-]+\.[\w.]+\b|\b[\w-]+\.(com|net|org|io|ru|cn|shop|biz|info|xyz)\b)", RegexOptions.IgnoreCase)]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"\p{L}+")]
    private static partial Regex WordPattern();

    [GeneratedRegex(@"(.)\1{5,}")]
    private static partial Regex RepeatedCharacterPattern();
}
