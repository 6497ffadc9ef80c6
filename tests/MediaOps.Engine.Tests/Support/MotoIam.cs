using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using MediaOps.Targets;

namespace MediaOps.Engine.Tests
{
    /// <summary>An IAM user created in moto: its ARN and access key.</summary>
    public sealed record MotoIamUser(string UserName, string Arn, string AccessKeyId, string SecretAccessKey);

    /// <summary>
    /// xunit counterpart of tests/Pester/IamHarness.psm1: users that hold exactly a given policy in an
    /// IAM-enforcing moto (<see cref="MotoServer.StartIamSetup"/>), created with the aws CLI while calls
    /// are free, then <see cref="EnableEnforcement"/>. moto's IAM limits (resource policies ignored,
    /// StringLike not evaluated unless the launcher emulates s3:prefix, SigV4 fixes for
    /// getmoto/moto#5948) are described in tests/tools/moto_launcher.py.
    /// </summary>
    public static class MotoIam
    {
        public const string AdministratorPolicy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}";
        public const string S3FullAccessPolicy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}";

        /// <summary>The reference runbook's step 3 policy for a bucket and prefix.</summary>
        public static string ReferenceRunbookPolicy(string bucket, string prefix = "media/") =>
            "{\"Version\":\"2012-10-17\",\"Statement\":[" +
            $"{{\"Sid\":\"ListMediaPrefix\",\"Effect\":\"Allow\",\"Action\":[\"s3:ListBucket\"],\"Resource\":\"arn:aws:s3:::{bucket}\",\"Condition\":{{\"StringLike\":{{\"s3:prefix\":[\"{prefix}*\"]}}}}}}," +
            $"{{\"Sid\":\"MediaObjects\",\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"s3:PutObject\",\"s3:DeleteObject\",\"s3:AbortMultipartUpload\"],\"Resource\":\"arn:aws:s3:::{bucket}/{prefix}*\"}}]}}";

        /// <summary>Create a bucket during the free setup calls.</summary>
        public static void CreateBucket(MotoServer moto, string bucket) =>
            Aws(moto, null, "s3api", "create-bucket", "--bucket", bucket);

        /// <summary>Create a user with one inline policy and an access key. <paramref name="asUser"/> signs the calls once enforcement is on.</summary>
        public static MotoIamUser CreateUser(MotoServer moto, string userName, string policyJson, MotoIamUser asUser = null)
        {
            using (JsonDocument.Parse(policyJson)) { } // a broken policy is a test bug: fail here
            var file = Path.GetTempFileName();
            try
            {
                File.WriteAllText(file, policyJson);
                using var user = JsonDocument.Parse(Aws(moto, asUser, "iam", "create-user", "--user-name", userName));
                Aws(moto, asUser, "iam", "put-user-policy", "--user-name", userName, "--policy-name", userName + "-policy", "--policy-document", "file://" + file);
                using var key = JsonDocument.Parse(Aws(moto, asUser, "iam", "create-access-key", "--user-name", userName));
                var k = key.RootElement.GetProperty("AccessKey");
                return new MotoIamUser(userName, user.RootElement.GetProperty("User").GetProperty("Arn").GetString(),
                    k.GetProperty("AccessKeyId").GetString(), k.GetProperty("SecretAccessKey").GetString());
            }
            finally { File.Delete(file); }
        }

        /// <summary>From now on moto checks every call's signature and the caller's identity policies.</summary>
        public static void EnableEnforcement(MotoServer moto)
        {
            using var http = new HttpClient();
            var answer = http.PostAsync(moto.Endpoint + "/moto-api/reset-auth", new StringContent("0", Encoding.UTF8, "text/plain"))
                .GetAwaiter().GetResult();
            answer.EnsureSuccessStatusCode();
        }

        /// <summary>A target on this server signed with the user's keys.</summary>
        public static MediaTarget Target(this MotoServer moto, string bucket, string prefix, MotoIamUser user) =>
            moto.Target(bucket, prefix, user.AccessKeyId, user.SecretAccessKey);

        /// <summary>Runs the aws CLI against moto as <paramref name="user"/> (setup keys when null); returns stdout, throws on failure.</summary>
        public static string Aws(MotoServer moto, MotoIamUser user, params string[] args)
        {
            var psi = new ProcessStartInfo("aws") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new List<string> { "--endpoint-url", moto.Endpoint, "--region", "us-east-1", "--output", "json" }) psi.ArgumentList.Add(a);
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.Environment["AWS_ACCESS_KEY_ID"] = user?.AccessKeyId ?? "AKIAMEDIAOPSSETUP001";
            psi.Environment["AWS_SECRET_ACCESS_KEY"] = user?.SecretAccessKey ?? "setup-only";
            psi.Environment.Remove("AWS_SESSION_TOKEN");
            psi.Environment.Remove("AWS_PROFILE");
            using var p = Process.Start(psi);
            var stderr = p.StandardError.ReadToEndAsync();
            var stdout = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException($"aws {string.Join(" ", args)} failed: {stderr.Result}");
            return stdout;
        }
    }
}
