using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Amazon.SecurityToken.Model;
using MediaOps.Aws;
using MediaOps.Errors;
using MediaOps.Runs;
using MediaOps.Targets;

namespace MediaOps.Credentials
{
    /// <summary>Who am I: STS GetCallerIdentity, root or not, long-lived key or role, and where the credentials came from.</summary>
    public sealed class CredentialInspector
    {
        private readonly IAwsClientFactory _clients;

        public CredentialInspector(IAwsClientFactory clients) => _clients = clients ?? throw new ArgumentNullException(nameof(clients));

        /// <summary>Reports the rows (CredentialSource, Identity, AssumedRole with -RoleArn, NotRoot, CredentialType) to <paramref name="rows"/>.</summary>
        public async Task InspectAsync(MediaTarget target, IRunObserver<CheckResult> rows, CancellationToken cancellationToken)
        {
            var subject = target.BucketName == null ? "credentials" : target.Uri;
            var source = _clients.DescribeCredentialSource(target);

            GetCallerIdentityResponse who;
            using (var sts = _clients.CreateSts(target))
            {
                try
                {
                    who = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!(ex is OperationCanceledException))
                {
                    throw S3ErrorTranslator.Translate(ex, target.BucketName ?? "-", operation: "sts:GetCallerIdentity");
                }
            }

            // Rows only once the identity is known: credentials STS rejects are an error, not half a report.
            rows.Row(new CheckResult(subject, "CredentialSource", CheckStatus.Pass, "a known source", source,
                $"Credentials come from {source}."));
            var arn = who.Arn ?? "";
            rows.Row(new CheckResult(subject, "Identity", CheckStatus.Pass, "a caller identity", arn,
                $"Account {who.Account}, user id {who.UserId}."));

            if (target.Role != null)
            {
                var session = _clients.DescribeRole(target);
                var assumed = session?.AssumedRoleArn ?? arn;
                var expiry = session == null ? "" : $", expires {session.ExpirationUtc:u}";
                var asExpected = ClassifyArn(arn) == PrincipalKind.AssumedRole;
                rows.Row(new CheckResult(subject, "AssumedRole", asExpected ? CheckStatus.Pass : CheckStatus.Fail, target.Role.RoleArn,
                    $"{assumed} (session {target.Role.SessionName}{expiry})",
                    asExpected
                        ? $"Role {target.Role.RoleArn} assumed{(target.Role.UsesWebIdentity ? " through the web identity token" : "")} as session '{target.Role.SessionName}'{expiry}; MediaOps renews it before it expires."
                        : $"STS says the caller is {arn}, not a session of {target.Role.RoleArn}: check that -EndpointUrl's STS is the one that issued the role."));
            }

            var kind = ClassifyArn(arn);
            rows.Row(kind == PrincipalKind.Root
                ? new CheckResult(subject, "NotRoot", CheckStatus.Fail, "not the account root", arn,
                    "These are the account's root credentials. Never give them to an application: create an IAM role or user with New-MediaIamPolicy's policy and delete the root access key.")
                : new CheckResult(subject, "NotRoot", CheckStatus.Pass, "not the account root", arn, "Not the root user."));

            var keyId = target.HasExplicitKeys ? target.AccessKeyId : null;
            var temporary = kind == PrincipalKind.AssumedRole || kind == PrincipalKind.FederatedUser
                            || (keyId != null && keyId.StartsWith("ASIA", StringComparison.Ordinal));
            if (temporary)
                rows.Row(new CheckResult(subject, "CredentialType", CheckStatus.Pass, "temporary (role) credentials", KindText(kind),
                    "Temporary credentials from a role: nothing long-lived to leak or rotate."));
            else if (kind == PrincipalKind.User || kind == PrincipalKind.Root)
                rows.Row(new CheckResult(subject, "CredentialType", CheckStatus.Warning, "temporary (role) credentials", "long-lived access key of " + KindText(kind),
                    "A long-lived access key. Prefer an instance, task or web-identity role; otherwise keep the key in a secret store and rotate it."));
            else
                rows.Row(new CheckResult(subject, "CredentialType", CheckStatus.Warning, "temporary (role) credentials", KindText(kind),
                    "Could not tell the credential type from the ARN; check it by hand."));
        }

        public enum PrincipalKind { Unknown, Root, User, AssumedRole, FederatedUser }

        /// <summary>Classify an STS caller ARN (arn:aws:iam::123:root, :user/x, arn:aws:sts::123:assumed-role/r/s).</summary>
        public static PrincipalKind ClassifyArn(string arn)
        {
            if (string.IsNullOrEmpty(arn)) return PrincipalKind.Unknown;
            var parts = arn.Split(new[] { ':' }, 6);
            if (parts.Length < 6) return PrincipalKind.Unknown;
            var resource = parts[5];
            if (parts[2] == "iam" && resource == "root") return PrincipalKind.Root;
            // AWS names IAM users arn:aws:iam::<account>:user/<path/>name. moto answers unknown keys with
            // arn:aws:sts::123456789012:user/moto: still a long-lived user key, so classify it the same way.
            if ((parts[2] == "iam" || parts[2] == "sts") && resource.StartsWith("user/", StringComparison.Ordinal)) return PrincipalKind.User;
            if (parts[2] == "sts" && resource.StartsWith("assumed-role/", StringComparison.Ordinal)) return PrincipalKind.AssumedRole;
            if (parts[2] == "sts" && resource.StartsWith("federated-user/", StringComparison.Ordinal)) return PrincipalKind.FederatedUser;
            return PrincipalKind.Unknown;
        }

        private static string KindText(PrincipalKind k) => k switch
        {
            PrincipalKind.Root => "the root user",
            PrincipalKind.User => "an IAM user",
            PrincipalKind.AssumedRole => "an assumed role",
            PrincipalKind.FederatedUser => "a federated user",
            _ => "an unknown principal",
        };
    }
}
