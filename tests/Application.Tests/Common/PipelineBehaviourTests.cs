using CleanCqrs.Application.Common;
using CleanCqrs.Application.Common.Behaviours;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Commands;
using CleanCqrs.Application.Orgs.Commands.CreateOrg;
using CleanCqrs.Application.Orgs.Commands.UpdateOrg;
using CleanCqrs.Application.Orgs.Queries.GetOrg;
using CleanCqrs.Application.Otps.Commands.RequestOtp;
using CleanCqrs.Application.Otps.Commands.VerifyOtp;
using CleanCqrs.Domain.Common;
using FluentValidation;
using Mediator;

namespace CleanCqrs.Application.Tests.Common;

/// <summary>The validation and authorization behaviours, built directly around a recording next step.</summary>
public sealed class PipelineBehaviourTests
{
    private const string OrgId = "5d1f0e0c-3b7a-5c2e-9a41-0f6b2c8d7e10";
    private const string OtpId = "0123456789abcdef0123456789abcdef";

    private static readonly TokenClaims OrgCaller = new(OrgId, "org", "ID");

    /// <summary>A next step that records whether it ran and answers <paramref name="response"/>.</summary>
    private sealed class Next<TMessage, TResponse>(TResponse response) where TMessage : IMessage
    {
        public int Calls { get; private set; }

        public MessageHandlerDelegate<TMessage, TResponse> Delegate => (_, _) =>
        {
            Calls++;
            return ValueTask.FromResult(response);
        };
    }

    private static async Task<(TResponse Response, int NextCalls)> Validate<TMessage, TResponse>(TMessage message, TResponse response)
        where TMessage : IValidatedRequest<TMessage>, IMessage
        where TResponse : IFailable<TResponse>
    {
        var next = new Next<TMessage, TResponse>(response);
        var behaviour = new ValidationBehaviour<TMessage, TResponse>();
        var answer = await behaviour.Handle(message, next.Delegate, CancellationToken.None);
        return (answer, next.Calls);
    }

    private static IReadOnlyDictionary<string, string[]> Errors(IHasError response)
    {
        Assert.That(response.Error, Is.InstanceOf<ValidationError>());
        return ((ValidationError)response.Error!).Errors;
    }

    private static readonly Result<OrgWritten> Written = new OrgWritten(OrgId, 1);

    [Test]
    public async Task Passes_a_valid_request_on_and_returns_its_response()
    {
        var (response, nextCalls) = await Validate(
            new CreateOrg(OrgCaller, "Acme", "Jakarta", null), Written);

        Assert.That(response, Is.EqualTo(Written));
        Assert.That(nextCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task Answers_missing_org_fields_as_required_without_calling_next()
    {
        var (response, nextCalls) = await Validate(
            new CreateOrg(OrgCaller, null, null, null), Written);

        Assert.That(Errors(response), Is.EquivalentTo(new Dictionary<string, string[]>
        {
            ["name"] = ["is required"],
            ["location"] = ["is required"],
        }));
        Assert.That(nextCalls, Is.Zero);
    }

    [Test]
    public async Task Keys_org_field_errors_by_camel_case_names()
    {
        var (response, _) = await Validate(
            new UpdateOrg(OrgCaller, OrgId, " ", new string('x', 151), "bad\u0000", ExpectedVersion.Any), Written);

        Assert.That(Errors(response).Keys, Is.EquivalentTo(new[] { "name", "location", "description" }));
    }

    [Test]
    public async Task Keys_otp_request_errors_by_camel_case_names()
    {
        var requested = Result<OtpRequested>.Success(new OtpRequested(OtpId, "sms", DateTimeOffset.UnixEpoch));

        var (invalidPhone, _) = await Validate(new RequestOtp("12", "worker", "ID"), requested);
        var (missing, nextCalls) = await Validate(new RequestOtp(null, null, null), requested);

        Assert.That(Errors(invalidPhone).Keys, Is.EquivalentTo(new[] { "primary" }));
        Assert.That(Errors(missing), Is.EquivalentTo(new Dictionary<string, string[]>
        {
            ["primary"] = ["is required"],
            ["role"] = ["is required"],
            ["country"] = ["is required"],
        }));
        Assert.That(nextCalls, Is.Zero);
    }

    [Test]
    public async Task Keys_malformed_otp_id_and_code_by_camel_case_names()
    {
        var granted = Result<TokenGranted>.Success(new TokenGranted("t", "Bearer", 1, "s"));

        var (missing, nextCalls) = await Validate(
            new VerifyOtp("alice@example.com", "org", "ID", null, null), granted);
        var (malformed, _) = await Validate(
            new VerifyOtp("alice@example.com", "org", "ID", "xyz", "12345"), granted);

        Assert.That(Errors(missing)["otpId"], Is.EqualTo(new[] { "is required" }));
        Assert.That(Errors(missing)["code"], Is.EqualTo(new[] { "is required" }));
        Assert.That(Errors(malformed), Is.EquivalentTo(new Dictionary<string, string[]>
        {
            ["otpId"] = ["must be 32 hexadecimal digits"],
            ["code"] = ["must be 6 digits"],
        }));
        Assert.That(nextCalls, Is.Zero);
    }

    [Test]
    public async Task Rejects_a_negative_min_version()
    {
        var readout = Result<OrgReadout>.Success(new OrgReadout(null, 0, null));

        var (negative, _) = await Validate(new GetOrg(OrgId, ["-1"]), readout);
        var (absent, nextCalls) = await Validate(new GetOrg(OrgId), readout);

        Assert.That(Errors(negative).Keys, Is.EquivalentTo(new[] { "minVersion" }));
        Assert.That(nextCalls, Is.EqualTo(1), "no minVersion is valid");
    }

    [Test]
    public async Task Answers_input_the_edge_could_not_bind_alone_without_calling_next()
    {
        var next = new Next<CreateOrg, Result<OrgWritten>>(Written);
        var unreadable = ValidationError.For(ValidationError.BodyField, "is not valid JSON (line 1, byte 2)");

        var response = await new BindingBehaviour<CreateOrg, Result<OrgWritten>>()
            .Handle(new CreateOrg(OrgCaller, null, null, null) { BindingErrors = unreadable }, next.Delegate, CancellationToken.None);

        Assert.That(response.Error, Is.SameAs(unreadable));
        Assert.That(next.Calls, Is.Zero);
    }

    [Test]
    public async Task Passes_a_request_with_nothing_left_unbound_on()
    {
        var next = new Next<CreateOrg, Result<OrgWritten>>(Written);

        await new BindingBehaviour<CreateOrg, Result<OrgWritten>>()
            .Handle(new CreateOrg(OrgCaller, "Acme", "Jakarta", null), next.Delegate, CancellationToken.None);

        Assert.That(next.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task Answers_the_edges_own_401_for_a_token_it_refused()
    {
        var refused = new UnauthorizedError("The bearer token is not valid.", InvalidToken: true);

        var (response, nextCalls) = await Authorize(new CreateOrg(new Caller(null, refused), "Acme", "Jakarta", null));

        Assert.That(response.Error, Is.SameAs(refused));
        Assert.That(nextCalls, Is.Zero);
    }

    private static async Task<(Result<OrgWritten> Response, int NextCalls)> Authorize<TMessage>(TMessage message)
        where TMessage : IAuthorizedRequest, IMessage
    {
        var next = new Next<TMessage, Result<OrgWritten>>(Written);
        var response = await new AuthorizationBehaviour<TMessage, Result<OrgWritten>>()
            .Handle(message, next.Delegate, CancellationToken.None);
        return (response, next.Calls);
    }

    private static UpdateOrg UpdateBy(Caller? caller, string id = OrgId) =>
        new(caller, id, "Acme", "Jakarta", null, ExpectedVersion.Any);

    [Test]
    public async Task Answers_401_without_a_caller()
    {
        var (create, createNext) = await Authorize(new CreateOrg(null, "Acme", "Jakarta", null));
        var (update, updateNext) = await Authorize(UpdateBy(null));

        Assert.That(create.Error, Is.InstanceOf<UnauthorizedError>());
        Assert.That(update.Error, Is.InstanceOf<UnauthorizedError>());
        Assert.That(createNext + updateNext, Is.Zero);
    }

    [Test]
    public async Task Answers_403_to_a_worker()
    {
        var worker = new TokenClaims(OrgId, "worker", "ID");

        var (create, createNext) = await Authorize(new CreateOrg(worker, "Acme", "Jakarta", null));
        var (update, updateNext) = await Authorize(UpdateBy(worker));

        Assert.That(create.Error, Is.InstanceOf<ForbiddenError>());
        Assert.That(update.Error, Is.InstanceOf<ForbiddenError>());
        Assert.That(createNext + updateNext, Is.Zero);
    }

    [Test]
    public async Task Answers_403_to_an_org_updating_another_org()
    {
        var (response, nextCalls) = await Authorize(UpdateBy(OrgCaller, id: "some-other-org"));

        Assert.That(response.Error, Is.InstanceOf<ForbiddenError>());
        Assert.That(nextCalls, Is.Zero);
    }

    [Test]
    public async Task Lets_an_org_create_and_update_itself()
    {
        var (create, createNext) = await Authorize(new CreateOrg(OrgCaller, "Acme", "Jakarta", null));
        var (update, updateNext) = await Authorize(UpdateBy(OrgCaller));

        Assert.That(create, Is.EqualTo(Written));
        Assert.That(update, Is.EqualTo(Written));
        Assert.That((createNext, updateNext), Is.EqualTo((1, 1)));
    }
}
