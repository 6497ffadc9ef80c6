using System;
using System.Text;
using System.Text.RegularExpressions;

namespace MediaOps.Targets
{
    /// <summary>
    /// A role to assume on top of the base credentials (-RoleArn, -ExternalId, -RoleSessionName,
    /// -DurationSeconds), or through a web identity token (-WebIdentityToken) with no base credentials at all.
    /// </summary>
    public sealed class RoleRequest
    {
        private static readonly Regex RoleArnShape = new Regex(@"^arn:aws[a-z-]*:iam::\d{12}:role/.+$", RegexOptions.CultureInvariant);
        private static readonly Regex SessionNameShape = new Regex(@"^[\w+=,.@-]{2,64}$", RegexOptions.CultureInvariant);

        public RoleRequest(string roleArn, string sessionName = null, string externalId = null, int? durationSeconds = null, string webIdentityToken = null)
        {
            RoleArn = roleArn?.Trim();
            SessionName = string.IsNullOrEmpty(sessionName) ? DefaultSessionName(Environment.UserName) : sessionName;
            ExternalId = string.IsNullOrEmpty(externalId) ? null : externalId;
            DurationSeconds = durationSeconds;
            WebIdentityToken = string.IsNullOrEmpty(webIdentityToken) ? null : webIdentityToken;
        }

        public string RoleArn { get; }
        /// <summary>Shows in CloudTrail and in the assumed-role ARN; default MediaOps-&lt;user&gt;.</summary>
        public string SessionName { get; }
        public string ExternalId { get; }
        /// <summary>Null: the role's default (one hour). STS judges the range (AWS: 900 to the role's maximum).</summary>
        public int? DurationSeconds { get; }
        /// <summary>Never printed, logged or stored.</summary>
        internal string WebIdentityToken { get; }
        public bool UsesWebIdentity => WebIdentityToken != null;

        /// <summary>How the role is reached, for verbose output and the CredentialSource row; never the token.</summary>
        public string Describe() => UsesWebIdentity
            ? $"role '{RoleArn}' through a web identity token (-RoleArn, -WebIdentityToken)"
            : $"role '{RoleArn}' (-RoleArn)";

        /// <summary>Throws InvalidArgument for a request STS would refuse for its shape, before anything is sent.</summary>
        public void Validate()
        {
            if (string.IsNullOrEmpty(RoleArn) || !RoleArnShape.IsMatch(RoleArn))
                throw new MediaOpsException("InvalidRoleArn", FailureKind.InvalidArgument,
                    $"'{RoleArn}' is not a role ARN. Pass -RoleArn like arn:aws:iam::123456789012:role/media-sync (IAM console, the role's summary).");
            if (!SessionNameShape.IsMatch(SessionName))
                throw new MediaOpsException("InvalidRoleSessionName", FailureKind.InvalidArgument,
                    $"-RoleSessionName '{SessionName}' must be 2 to 64 characters of letters, digits and +=,.@-.");
            if (UsesWebIdentity && ExternalId != null)
                throw new MediaOpsException("ExternalIdWithWebIdentity", FailureKind.InvalidArgument,
                    "-ExternalId applies to -RoleArn with AWS credentials; a web identity role is protected by the token's issuer and audience instead. Drop -ExternalId or -WebIdentityToken.");
        }

        /// <summary>MediaOps-&lt;user&gt;, reduced to the characters and length STS accepts.</summary>
        public static string DefaultSessionName(string userName)
        {
            var name = new StringBuilder("MediaOps-");
            foreach (var c in userName ?? "")
                if (char.IsLetterOrDigit(c) && c < 128 || "_+=,.@-".IndexOf(c) >= 0) name.Append(c);
            if (name.Length == "MediaOps-".Length) name.Append("session");
            return name.Length > 64 ? name.ToString(0, 64) : name.ToString();
        }
    }
}
