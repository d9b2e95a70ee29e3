using CleanCqrs.Application.Common.Security;
using CleanCqrs.Infrastructure.Configuration;

namespace CleanCqrs.Infrastructure.Security.Kms;

/// <summary>Starts deriving the subject key (one KMS <c>GenerateMac</c>) while the function initialises.</summary>
public sealed class SubjectKeyWarmup(KeyedSubjectIds subjects) : IStartupWarmup
{
    public void Warm() => subjects.Prefetch();
}
