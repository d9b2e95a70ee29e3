using System.Diagnostics.CodeAnalysis;

namespace CleanCqrs.LambdaHost.Local;

/// <summary>
/// Whether this build carries the local HTTP server. The Native AOT publish turns it off
/// (<c>LambdaHost.csproj</c>; ADR 0022), so the trimmer removes local mode and Kestrel from the Lambda
/// <c>bootstrap</c>; <c>-p:LocalServerInAot=true</c> keeps them for an AOT build that serves locally.
/// </summary>
public static class LocalServerFeature
{
    public const string Switch = "CleanCqrs.LambdaHost.LocalServer.IsSupported";

    [FeatureSwitchDefinition(Switch)]
    public static bool IsSupported => !AppContext.TryGetSwitch(Switch, out var enabled) || enabled;
}
