using System;
using System.Collections;
using MediaOps.Django;
using MediaOps.Transfer;
using Xunit;

namespace MediaOps.Engine.Tests
{
    /// <summary>-ObjectParameters validation and its settings text; the headers on real objects are proven in tests/Pester/ObjectParameters.Tests.ps1.</summary>
    public class ObjectParametersTests
    {
        [Fact]
        public void Keys_are_boto3_names_case_insensitively_and_metadata_names_go_lower_case()
        {
            var p = ObjectParameters.Parse(new Hashtable { ["cachecontrol"] = "max-age=60", ["Metadata"] = new Hashtable { ["Owner"] = "media" }, ["storageclass"] = "standard_ia" });
            Assert.Equal("max-age=60", p.CacheControl);
            Assert.Equal("media", p.Metadata["owner"]);
            Assert.Equal("STANDARD_IA", p.StorageClass);
            Assert.Equal("{\"CacheControl\": \"max-age=60\", \"Metadata\": {\"owner\": \"media\"}, \"StorageClass\": \"STANDARD_IA\"}", p.ToJson());
        }

        [Theory]
        [InlineData("Colour", "unknown key 'Colour'")]
        [InlineData("Cache-Control", "'CacheControl'")]
        [InlineData("ACL", "never sets an object ACL")]
        [InlineData("ContentType", "guessed per file")]
        public void A_key_it_does_not_take_is_an_error_naming_the_allowed_ones(string key, string says)
        {
            var e = Assert.Throws<MediaOpsException>(() => ObjectParameters.Parse(new Hashtable { [key] = "x" }));
            Assert.Equal("MediaOps.InvalidObjectParameter", e.ErrorId);
            Assert.Contains(says, e.Message);
            if (key != "Cache-Control") Assert.Contains("CacheControl, ContentDisposition, ContentLanguage, Expires, Metadata, StorageClass", e.Message);
        }

        [Fact]
        public void Quotes_and_dollars_are_escaped_so_the_json_is_safe_in_python_raw_strings_and_single_quoted_env_values()
        {
            var json = ObjectParameters.Parse(new Hashtable { ["ContentDisposition"] = "attachment; filename=\"it's $HOME.pdf\"" }).ToJson();
            Assert.DoesNotContain("'", json);
            Assert.DoesNotContain("$", json);
            Assert.Contains("\\u0022it\\u0027s \\u0024HOME.pdf\\u0022", json);
        }

        [Fact]
        public void CacheControl_switch_and_key_must_agree_and_glacier_is_refused()
        {
            Assert.Equal("max-age=5", ObjectParameters.Parse(null, "max-age=5").CacheControl);
            Assert.Throws<MediaOpsException>(() => ObjectParameters.Parse(new Hashtable { ["CacheControl"] = "no-cache" }, "max-age=5"));
            Assert.Contains("Django cannot read", Assert.Throws<MediaOpsException>(() => ObjectParameters.Parse(new Hashtable { ["StorageClass"] = "GLACIER" })).Message);
            Assert.Throws<MediaOpsException>(() => ObjectParameters.Parse(new Hashtable { ["Metadata"] = new Hashtable { ["md5chksum"] = "x" } }));
            Assert.Throws<MediaOpsException>(() => ObjectParameters.Parse(new Hashtable { ["Expires"] = "next tuesday-ish" }));
        }

        [Theory]
        [InlineData("4.2", "\"object_parameters\": AWS_S3_OBJECT_PARAMETERS,")]
        [InlineData("3.2", "AWS_S3_OBJECT_PARAMETERS = json.loads(os.environ.get(\"AWS_S3_OBJECT_PARAMETERS\", r'{\"CacheControl\": \"max-age=60\"}'))")]
        public void Django_settings_carry_the_same_parameters(string django, string line)
        {
            var py = DjangoSettingsWriter.Write(new DjangoSettingsOptions
            {
                BucketName = "myapp-media", Prefix = "media/", Region = "eu-west-1", DjangoVersion = Version.Parse(django),
                ObjectParameters = ObjectParameters.Parse(null, "max-age=60"),
            });
            Assert.Contains(line, py);
            Assert.Contains("import json", py);
            Assert.DoesNotContain("OBJECT_PARAMETERS", DjangoSettingsWriter.Write(new DjangoSettingsOptions { BucketName = "myapp-media", Prefix = "media/", Region = "eu-west-1" }));
        }
    }
}
