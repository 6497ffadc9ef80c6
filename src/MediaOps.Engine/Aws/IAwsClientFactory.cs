using Amazon.S3;
using Amazon.SecurityToken;
using MediaOps.Targets;

namespace MediaOps.Aws
{
    /// <summary>Where engine services get their clients, so xunit can point them at moto or a fake.</summary>
    public interface IAwsClientFactory
    {
        IAmazonS3 CreateS3(MediaTarget target, string regionOverride = null);
        IAmazonSecurityTokenService CreateSts(MediaTarget target);
        /// <summary>How the credentials were found (never the secret).</summary>
        string DescribeCredentialSource(MediaTarget target);
        /// <summary>The session of the role the credentials assumed (-RoleArn), or null when no role is assumed.</summary>
        RoleSession DescribeRole(MediaTarget target);
        /// <summary>The region the clients use and where it came from.</summary>
        ResolvedRegion ResolveRegion(MediaTarget target);
    }

    public sealed class ResolvedRegion
    {
        public ResolvedRegion(string name, string source) { Name = name; Source = source; }
        public string Name { get; }
        public string Source { get; }
    }
}
