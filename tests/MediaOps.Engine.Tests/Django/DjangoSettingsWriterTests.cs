using System;
using System.Linq;
using MediaOps.Django;
using Xunit;

namespace MediaOps.Engine.Tests
{
    /// <summary>Text-level checks; that Django and django-storages load the output is proven in tests/Pester/DjangoSettings.Tests.ps1.</summary>
    public class DjangoSettingsWriterTests
    {
        private static DjangoSettingsOptions Options(Action<DjangoSettingsOptions> change = null)
        {
            var o = new DjangoSettingsOptions { BucketName = "myapp-prod-media", Prefix = "media/", Region = "eu-west-1" };
            change?.Invoke(o);
            return o;
        }

        [Fact]
        public void Modern_django_gets_STORAGES_with_the_runbook_options_and_separate_staticfiles()
        {
            var py = DjangoSettingsWriter.Write(Options());
            Assert.Contains("\"BACKEND\": \"storages.backends.s3.S3Storage\"", py);
            Assert.Contains("\"querystring_auth\": True", py);
            Assert.Contains("AWS_DEFAULT_ACL = None", py);
            Assert.Contains("AWS_S3_FILE_OVERWRITE = False", py);
            Assert.Contains("os.environ.get(\"AWS_LOCATION\", \"media\")", py);
            Assert.Contains("\"staticfiles\": {", py);
            Assert.DoesNotContain("DEFAULT_FILE_STORAGE", py);
            Assert.DoesNotContain("endpoint_url", py);
        }

        [Fact]
        public void Old_django_gets_DEFAULT_FILE_STORAGE_and_AWS_settings()
        {
            var py = DjangoSettingsWriter.Write(Options(o => { o.DjangoVersion = new Version(3, 2); o.AccessModel = AccessModel.Public; o.CustomDomain = "media.example.com"; }));
            Assert.Contains("DEFAULT_FILE_STORAGE = \"storages.backends.s3boto3.S3Boto3Storage\"", py);
            Assert.Contains("AWS_QUERYSTRING_AUTH = False", py);
            Assert.Contains("AWS_S3_CUSTOM_DOMAIN = \"media.example.com\"", py);
            Assert.DoesNotContain("STORAGES", py);
        }

        [Fact]
        public void Env_file_has_names_and_non_secret_values_only()
        {
            var env = DjangoSettingsWriter.Write(Options(o => { o.Format = DjangoSettingsFormat.Env; o.EndpointUrl = "http://127.0.0.1:9000"; }));
            var assignments = env.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("#")).ToArray();
            Assert.Equal(new[] { "AWS_STORAGE_BUCKET_NAME=myapp-prod-media", "AWS_S3_REGION_NAME=eu-west-1", "AWS_LOCATION=media", "AWS_S3_ENDPOINT_URL=http://127.0.0.1:9000",
                "AWS_REQUEST_CHECKSUM_CALCULATION=when_required", "AWS_RESPONSE_CHECKSUM_VALIDATION=when_required" }, assignments);
            Assert.Contains("# AWS_ACCESS_KEY_ID=", env);
            Assert.Contains("# AWS_SECRET_ACCESS_KEY=", env);
        }

        [Theory]
        [InlineData(DjangoSettingsFormat.Python, "4.2", "os.environ.setdefault(\"AWS_REQUEST_CHECKSUM_CALCULATION\", \"when_required\")")]
        [InlineData(DjangoSettingsFormat.Python, "3.2", "os.environ.setdefault(\"AWS_RESPONSE_CHECKSUM_VALIDATION\", \"when_required\")")]
        [InlineData(DjangoSettingsFormat.Env, "4.2", "AWS_REQUEST_CHECKSUM_CALCULATION=when_required")]
        public void An_S3_compatible_endpoint_keeps_boto3_checksums_to_when_required_with_the_reason(DjangoSettingsFormat format, string django, string line)
        {
            var withEndpoint = DjangoSettingsWriter.Write(Options(o => { o.Format = format; o.DjangoVersion = Version.Parse(django); o.EndpointUrl = "http://127.0.0.1:9000"; }));
            Assert.Contains(line, withEndpoint);
            Assert.Contains("django-storages issues 1482 and 1498", withEndpoint);
            var aws = DjangoSettingsWriter.Write(Options(o => { o.Format = format; o.DjangoVersion = Version.Parse(django); }));
            Assert.DoesNotContain("CHECKSUM", aws);
        }

        [Fact]
        public void Private_media_behind_a_custom_domain_warns_and_names_the_cloudfront_settings()
        {
            var o = Options(x => x.CustomDomain = "media.example.com");
            Assert.Contains(DjangoSettingsWriter.Warnings(o), w => w.Contains("CloudFront"));
            Assert.Contains("AWS_CLOUDFRONT_KEY_ID = os.environ.get(\"AWS_CLOUDFRONT_KEY_ID\")", DjangoSettingsWriter.Write(o));
            Assert.DoesNotContain(DjangoSettingsWriter.Warnings(Options()), w => w.Contains("CloudFront"));
        }

        [Theory]
        [InlineData("https://media.example.com", null, "MediaOps.InvalidCustomDomain")]
        [InlineData("media.example.com/x y", null, "MediaOps.InvalidCustomDomain")]
        [InlineData(null, "media\"\nimport os", "MediaOps.InvalidSettingValue")]
        public void Values_that_could_break_out_of_the_settings_are_refused(string domain, string prefix, string errorId)
        {
            var ex = Assert.Throws<MediaOpsException>(() => DjangoSettingsWriter.Write(Options(o => { o.CustomDomain = domain; o.Prefix = prefix ?? "media"; })));
            Assert.Equal(errorId, ex.ErrorId);
            Assert.Equal(FailureKind.InvalidArgument, ex.Kind);
        }
    }
}
