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
/// for it. An answer that shows the configuration wrong (no such parameter, not readable by the role,
/// not a non-empty SecureString) fails the init (<see cref="CheckAsync"/>); any other failure is logged,
/// not kept, and the next e-mail asks again. The password is never logged.
/// </summary>
public sealed class SsmSmtpPassword(IAmazonSimpleSystemsManagement ssm, string parameterName, ILogger<SsmSmtpPassword> logger)
    : ISmtpPasswordSource, IStartupWarmup, IStartupCheck
{
    public const string ServiceEndpointSetting = "AWS_ENDPOINT_URL_SSM";

    /// <summary>Per attempt: SSM answers in milliseconds, and a stalled read must not eat the invocation.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private Task<string>? _read;

    // The read Warm started: the start-up check judges that answer, not a fresh read after it failed.
    private Task<string>? _started;

    public string ParameterName { get; } = parameterName;

    public void Warm() => _ = (_started = Read()).ContinueWith(
        t =>
        {
            var error = t.Exception!.GetBaseException();
            if (error is SettingsException)
            {
                // CheckAsync fails the init with this message; the log line says so rather than promising a retry.
                logger.LogError(error, "The SMTP password in SSM parameter {Parameter} cannot be used; the function cannot start", ParameterName);
            }
            else
            {
                logger.LogError(error, "Reading the SMTP password from SSM parameter {Parameter} failed; e-mails will try again", ParameterName);
            }
        },
        CancellationToken.None,
        TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
        TaskScheduler.Default);

    public async ValueTask<string?> GetAsync(CancellationToken cancellationToken) => await Read().WaitAsync(cancellationToken);

    /// <summary>
    /// Waits for the read <see cref="Warm"/> started, at most <see cref="RequestTimeout"/>, and throws
    /// the <see cref="SettingsException"/> of a parameter that cannot work. Throttling that outlasts the
    /// SDK's retries, a 5xx or a slow answer end the wait without failing: e-mails will read again.
    /// </summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await (_started ?? Read()).WaitAsync(RequestTimeout, cancellationToken);
        }
        catch (SettingsException)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Logged by Warm's continuation (or still running): not the configuration's fault.
        }
    }

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
        GetParameterResponse response;
        try
        {
            response = await ssm.GetParameterAsync(new GetParameterRequest { Name = ParameterName, WithDecryption = true }, CancellationToken.None);
        }
        catch (ParameterNotFoundException)
        {
            throw Misconfigured(
                "does not exist in this account and region (SSM answered ParameterNotFound); create it as a SecureString " +
                $"first: aws ssm put-parameter --name {ParameterName} --type SecureString --value '…'");
        }
        catch (AmazonSimpleSystemsManagementException ex) when (ex.ErrorCode == "AccessDeniedException")
        {
            throw Misconfigured(
                $"cannot be read by the function's role (SSM answered AccessDeniedException: {ex.Message}); grant ssm:GetParameter " +
                "on it, and kms:Decrypt on its key when that is a customer managed key");
        }

        var parameter = response.Parameter;
        if (parameter?.Type != ParameterType.SecureString)
        {
            throw Misconfigured($"is a {parameter?.Type?.Value ?? "(missing)"} parameter; store the SMTP password as a SecureString");
        }

        return string.IsNullOrEmpty(parameter.Value) ? throw Misconfigured("is empty") : parameter.Value;
    }

    private SettingsException Misconfigured(string problem) =>
        new(SmtpSettings.PasswordParameterSetting, $"names SSM parameter {ParameterName}, which {problem}");
}
