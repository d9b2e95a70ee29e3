using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using CleanCqrs.Infrastructure.Configuration;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.Infrastructure.Delivery.Smtp;

/// <summary>Where the SMTP password comes from.</summary>
public interface ISmtpPasswordSource
{
    ValueTask<string?> GetAsync(CancellationToken cancellationToken);
}

/// <summary>The password as configured (<c>SMTP_PASSWORD</c>, local relays), or none.</summary>
public sealed class ConfiguredSmtpPassword(string? password) : ISmtpPasswordSource
{
    public ValueTask<string?> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(password);
}

/// <summary>
/// The SMTP password from an SSM SecureString parameter (<c>SMTP_PASSWORD_PARAMETER</c>), decrypted by
/// SSM, read once per process: the read starts at init (<see cref="Warm"/>) and the first e-mail waits
/// for it. A failed read is not kept, so the next e-mail asks again; the password is never logged.
/// </summary>
public sealed class SsmSmtpPassword(IAmazonSimpleSystemsManagement ssm, string parameterName, ILogger<SsmSmtpPassword> logger)
    : ISmtpPasswordSource, IStartupWarmup
{
    public const string ServiceEndpointSetting = "AWS_ENDPOINT_URL_SSM";

    /// <summary>Per attempt: SSM answers in milliseconds, and a stalled read must not eat the invocation.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private Task<string>? _read;

    public string ParameterName { get; } = parameterName;

    public void Warm() => _ = Read().ContinueWith(
        t => logger.LogError(t.Exception!.GetBaseException(), "Reading the SMTP password from SSM parameter {Parameter} failed; e-mails will try again", ParameterName),
        CancellationToken.None,
        TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
        TaskScheduler.Default);

    public async ValueTask<string?> GetAsync(CancellationToken cancellationToken) => await Read().WaitAsync(cancellationToken);

    /// <summary>The process's SSM client, resolved like every other AWS client (<see cref="AwsClientSettings"/>).</summary>
    public static IAmazonSimpleSystemsManagement CreateClient(Func<string, string?>? read)
    {
        var settings = AwsClientSettings.Resolve(new SettingsReader(read), ServiceEndpointSetting);
        var config = new AmazonSimpleSystemsManagementConfig { Timeout = RequestTimeout };
        settings.ApplyTo(config);
        return settings.Credentials is { } local
            ? new AmazonSimpleSystemsManagementClient(local, config)
            : new AmazonSimpleSystemsManagementClient(config);
    }

    private Task<string> Read()
    {
        lock (_gate)
        {
            if (_read is null || _read.IsFaulted || _read.IsCanceled)
            {
                // Shared by every waiter, so no one caller's token may cancel it.
                _read = Task.Run(FetchAsync, CancellationToken.None);
            }

            return _read;
        }
    }

    private async Task<string> FetchAsync()
    {
        var response = await ssm.GetParameterAsync(new GetParameterRequest { Name = ParameterName, WithDecryption = true }, CancellationToken.None);
        var parameter = response.Parameter;
        if (parameter?.Type != ParameterType.SecureString)
        {
            throw new InvalidOperationException(
                $"SSM parameter {ParameterName} ({SmtpSettings.PasswordParameterSetting}) is a {parameter?.Type?.Value ?? "(missing)"} parameter; store the SMTP password as a SecureString.");
        }

        return string.IsNullOrEmpty(parameter.Value)
            ? throw new InvalidOperationException($"SSM parameter {ParameterName} ({SmtpSettings.PasswordParameterSetting}) is empty.")
            : parameter.Value;
    }
}
