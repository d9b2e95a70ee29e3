namespace CleanCqrs.Infrastructure.Configuration;

/// <summary>A setting that is missing or malformed; the message names it.</summary>
public sealed class SettingsException(string setting, string problem)
    : Exception($"Configuration error: {setting} {problem}.")
{
    public string Setting { get; } = setting;

    /// <summary><c>Configuration error: NAME is required: ACCEPTED.</c></summary>
    public static SettingsException Missing(string setting, string accepted) => new(setting, $"is required: {accepted}");

    /// <summary><c>Configuration error: NAME must be ACCEPTED, not 'VALUE'.</c></summary>
    public static SettingsException Invalid(string setting, string accepted, string value) => new(setting, $"must be {accepted}, not '{value}'");
}
