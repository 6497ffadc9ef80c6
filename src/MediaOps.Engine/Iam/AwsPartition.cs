using System;
using System.Text.RegularExpressions;

namespace MediaOps.Iam
{
    /// <summary>AWS partitions: the ARN prefix and the service DNS suffix differ in China and GovCloud.</summary>
    public static class AwsPartition
    {
        public const string Aws = "aws";
        public const string China = "aws-cn";
        public const string GovCloud = "aws-us-gov";

        public static readonly string[] Known = { Aws, China, GovCloud };

        private static readonly Regex KmsKeyArnPattern = new Regex(
            @"^arn:(?<partition>aws|aws-cn|aws-us-gov):kms:(?<region>[a-z]{2}(-gov)?-[a-z]+-\d):(?<account>\d{12}):(?<kind>key|alias)/(?<id>[A-Za-z0-9/_-]+)$",
            RegexOptions.CultureInvariant);

        public static bool IsKnown(string partition) => Array.IndexOf(Known, partition) >= 0;

        /// <summary>The partition a region belongs to (cn-north-1 → aws-cn, us-gov-west-1 → aws-us-gov), else aws.</summary>
        public static string ForRegion(string region)
        {
            if (string.IsNullOrEmpty(region)) return Aws;
            if (region.StartsWith("cn-", StringComparison.Ordinal)) return China;
            if (region.StartsWith("us-gov-", StringComparison.Ordinal)) return GovCloud;
            return Aws;
        }

        /// <summary>Domain of S3's regional endpoints, as KMS sees it in kms:ViaService.</summary>
        public static string S3ServiceName(string region) =>
            ForRegion(region) == China ? $"s3.{region}.amazonaws.com.cn" : $"s3.{region}.amazonaws.com";

        /// <summary>Parse a KMS key ARN. Throws InvalidArgument for anything else (alias ARNs included, with the reason).</summary>
        public static (string Partition, string Region) ParseKmsKeyArn(string arn)
        {
            var m = KmsKeyArnPattern.Match(arn ?? "");
            if (!m.Success)
                throw new MediaOpsException("InvalidKmsKeyArn", FailureKind.InvalidArgument,
                    $"'{arn}' is not a KMS key ARN. Pass the key's full ARN, e.g. arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab (aws kms describe-key --key-id <id> shows it).", arn);
            if (m.Groups["kind"].Value == "alias")
                throw new MediaOpsException("KmsAliasNotAllowed", FailureKind.InvalidArgument,
                    $"'{arn}' is an alias ARN. An IAM policy that names an alias does not authorise use of the key behind it; pass the key ARN (aws kms describe-key --key-id {arn} shows it).", arn);
            return (m.Groups["partition"].Value, m.Groups["region"].Value);
        }
    }
}
