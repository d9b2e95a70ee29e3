using CleanCqrs.Domain.Otps;

namespace CleanCqrs.Application.Common.Ports;

/// <summary>
/// The subject id (token <c>sub</c>, org id, OTP stream) of a normalised primary: an HMAC under a
/// server-held key formatted as a UUID version 8, so the same primary always gets the same id and
/// nobody without the key can compute one (SPEC 5.3, decision 0020).
/// </summary>
public interface ISubjectIds
{
    ValueTask<string> SubjectOfAsync(Primary primary, CancellationToken cancellationToken);
}
