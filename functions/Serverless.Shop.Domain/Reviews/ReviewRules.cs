using Serverless.Shop.Domain.Common;

namespace Serverless.Shop.Domain.Reviews;

/// <summary>What an author sends to write or edit a review. The rating is a number so that 7 or 2.5 is a field error, not a parse error.</summary>
public sealed record ReviewInput(decimal? Rating, string? Title, string? Text, string? DisplayName);

/// <summary>A staff decision: the reason is required to reject (the author reads it), optional to approve.</summary>
public sealed record ModerationInput(string? Reason);

/// <summary>The merchant's public answer to a review.</summary>
public sealed record ReplyInput(string? Text);

/// <summary>The limits of a review. The JSON body as a whole is also capped (256 KB) before any of these are looked at.</summary>
public static class ReviewRules
{
    public const int MinimumRating = 1;
    public const int MaximumRating = 5;
    public const int MaximumTitleLength = 150;
    public const int MaximumTextLength = 5000;
    public const int MinimumTextLength = 10;
    public const int MaximumDisplayNameLength = 60;
    public const int MaximumReasonLength = 500;
    public const int MaximumReplyLength = 2000;

    /// <summary>The input, checked whole (every field at fault at once) and trimmed.</summary>
    public static (int Rating, string Title, string Text, string DisplayName) Check(ReviewInput input)
    {
        var v = new Validator();
        if (v.Required(input.Rating, "rating"))
            v.Check(input.Rating is >= MinimumRating and <= MaximumRating && decimal.Truncate(input.Rating.Value) == input.Rating.Value,
                "rating", $"must be a whole number from {MinimumRating} to {MaximumRating}.");
        if (v.Required(input.Title, "title")) v.MaxLength(input.Title!.Trim(), MaximumTitleLength, "title");
        if (v.Required(input.Text, "text"))
        {
            var text = input.Text!.Trim();
            v.Check(text.Length >= MinimumTextLength, "text", $"must be at least {MinimumTextLength} characters.");
            v.MaxLength(text, MaximumTextLength, "text");
        }
        if (v.Required(input.DisplayName, "displayName")) v.MaxLength(input.DisplayName!.Trim(), MaximumDisplayNameLength, "displayName");
        v.ThrowIfInvalid();
        return ((int)input.Rating!.Value, input.Title!.Trim(), input.Text!.Trim(), input.DisplayName!.Trim());
    }

    public static string CheckReason(ModerationInput input, bool required)
    {
        var v = new Validator();
        if (required) v.Required(input.Reason, "reason");
        v.MaxLength(input.Reason?.Trim(), MaximumReasonLength, "reason");
        v.ThrowIfInvalid();
        return input.Reason?.Trim() ?? "";
    }

    public static string CheckReply(ReplyInput input)
    {
        var v = new Validator();
        if (v.Required(input.Text, "text")) v.MaxLength(input.Text!.Trim(), MaximumReplyLength, "text");
        v.ThrowIfInvalid();
        return input.Text!.Trim();
    }
}
