using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using MediaOps.Versions;

namespace MediaOps.Engine.Tests
{
    /// <summary>The per-key decision, from a history alone (pure logic, no server).</summary>
    public class RestorePlannerTests
    {
        private static readonly DateTime T = new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

        private static MediaVersion V(string id, int secondsFromT, string etag = null, long length = 10, bool marker = false) => new MediaVersion
        {
            Key = "media/k", Name = "k", VersionId = id, LastModifiedUtc = T.AddSeconds(secondsFromT),
            IsDeleteMarker = marker, ETag = marker ? null : etag ?? ("0123456789abcdef0123456789abcd" + id.PadLeft(2, '0')), Length = marker ? 0 : length,
        };

        private static KeyHistory H(params MediaVersion[] newestFirst)
        {
            newestFirst[0].IsLatest = true;
            return KeyHistory.From("media/k", "k", newestFirst.ToList());
        }

        [Fact]
        public void A_version_written_in_the_second_of_T_is_the_state_at_T()
        {
            var step = RestorePlanner.Decide(H(V("3", 1), V("2", 0), V("1", -5)), T, removeNewer: false);
            Assert.Equal(RestoreStepKind.Restore, step.Kind);
            Assert.Equal("2", step.Source.VersionId);
        }

        [Fact]
        public void Unchanged_key_is_untouched()
        {
            Assert.Equal(RestoreStepKind.Untouched, RestorePlanner.Decide(H(V("2", -1), V("1", -9)), T, false).Kind);
        }

        [Fact]
        public void Deleted_after_T_is_copied_back()
        {
            var step = RestorePlanner.Decide(H(V("m", 3, marker: true), V("1", -9)), T, false);
            Assert.Equal(RestoreStepKind.Restore, step.Kind);
            Assert.Equal("1", step.Source.VersionId);
            Assert.Contains("deleted", step.Reason);
        }

        [Fact]
        public void Created_after_T_is_left_alone_unless_remove_newer_which_never_targets_a_version()
        {
            Assert.Equal(RestoreStepKind.LeaveNewer, RestorePlanner.Decide(H(V("1", 2)), T, false).Kind);
            var step = RestorePlanner.Decide(H(V("1", 2)), T, true);
            Assert.Equal(RestoreStepKind.Delete, step.Kind);
            Assert.Null(step.Source);
            // Deleted before T and written again after: did not exist at T either.
            Assert.Equal(RestoreStepKind.Delete, RestorePlanner.Decide(H(V("2", 5), V("m", -1, marker: true), V("1", -9)), T, true).Kind);
            // Created after T and deleted again: already absent.
            Assert.Equal(RestoreStepKind.Untouched, RestorePlanner.Decide(H(V("m", 5, marker: true), V("1", 2)), T, true).Kind);
        }

        [Fact]
        public void A_copy_of_the_as_of_version_on_top_counts_as_restored_but_other_bytes_do_not()
        {
            var same = RestorePlanner.Decide(H(V("3", 9, etag: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), V("2", 4), V("1", -1, etag: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")), T, false);
            Assert.Equal(RestoreStepKind.Untouched, same.Kind);
            var longer = RestorePlanner.Decide(H(V("3", 9, etag: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", length: 11), V("1", -1, etag: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")), T, false);
            Assert.Equal(RestoreStepKind.Restore, longer.Kind);
            var multipartVsPlain = RestorePlanner.Decide(H(V("3", 9, etag: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), V("1", -1, etag: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-2")), T, false);
            Assert.Equal(RestoreStepKind.Restore, multipartVsPlain.Kind);
        }

        [Fact]
        public void History_orders_the_latest_first_and_then_by_stamp_whatever_the_listing_order()
        {
            // moto lists a page's versions before its delete markers.
            var marker = V("m", 5, marker: true);
            marker.IsLatest = true;
            var h = KeyHistory.From("media/k", "k", new List<MediaVersion> { V("2", 1), V("1", -1), marker });
            Assert.Equal(new[] { "m", "2", "1" }, h.Versions.Select(v => v.VersionId));
            Assert.Equal("1", h.AsOf(T).VersionId);
            Assert.Null(h.AsOf(T.AddSeconds(-2)));
        }
    }
}
