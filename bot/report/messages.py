"""Every sentence and label Segbot shows in Slack that is not computed: buttons, titles, help, stages, words."""

from __future__ import annotations

from segmentation.clustering import STABLE
from segmentation.profiles import UNSTABLE

# Report
REPORT_HEADER = "Segment report: "
SHOW_DETAILS = "Show details"
DOWNLOAD_LABELS = "Download labels CSV"
CAMPAIGN_BRIEF = "Campaign brief"
WHERE_TO_START = "Where to start"
RERUN = "Re-run with k=…"
ONE_SEGMENT = "one segment"
SMALLER_SEGMENTS = "Smaller segments"
DETAILS_HEADER = "Segment details: "

# Why this many segments, in plain words (the engine's own reason is shown only in the details).
K_FORCED = "You asked for {segments}."
K_BEST_FIT = "Segbot tried {lowest} to {highest} segments: {k} fit the data best and hold up when re-run on subsamples."
K_BEST_RELIABLE = (
    "Segbot tried {lowest} to {highest} segments: {k} is the best fit that holds up when re-run on subsamples "
    "({best_k} fit slightly better but was not reliable)."
)
K_MERGED = (
    "Segbot tried {lowest} to {highest} segments: the best fit cut {merged_from} groups, but some of them are pieces "
    "of one segment that blend into each other rather than separate, so they are shown as {k}."
)
K_NONE_MERGED = (
    "This audience has no distinct segments: the best fit cut {merged_from} groups, but they are pieces of one "
    "population that blend into each other, so the whole audience is shown as one segment."
)
K_NONE = (
    "This audience has no distinct segments: Segbot tried splitting it into {low_split} to {highest} segments and "
    "none both fit better than one profile for everyone and held up when re-run on subsamples, so the whole "
    "audience is shown as one segment."
)
K_FORCED_NONE = (
    "You asked for {k} segments, but this audience has no distinct segments (one segment fits it better): "
    "treat these {k} as a forced split, where neighbouring segments blend into each other."
)
K_FORCED_ONE = (
    "You asked for {k} segments, but this audience has no distinct segments: every row fits one of them best, "
    "so the whole audience is shown as 1 segment."
)
K_TIE = "{low} or {high} segments fit about equally well; showing {k} ({why})."
K_TIE_CLI = "To see {other} segments, run again with --k {other}."
K_TIE_SLACK = "Use the *Show {other} segments* button to see the other."
SHOW_ALTERNATIVE = "Show {other} segments"

# Stability in words, from the top: (lowest score for the word, word). "stable" starts at the bar the choice of k
# holds a k to (a forced k of 0.71 is not "stable" beside an engine note saying 0.80 is needed); "unstable" starts
# where the engine's confidence note does, so a segment is never "fairly stable" above a note calling it unstable.
STABILITY_WORDS: tuple[tuple[float, str], ...] = (
    (0.85, "very stable"),
    (STABLE, "stable"),
    (UNSTABLE, "fairly stable"),
    (0.0, "unstable"),
)

# What each column role means, in words (the details view lists every column with it).
ROLE_WORDS: dict[str, str] = {
    "numeric": "numbers",
    "categorical": "categories",
    "multilabel": "lists of labels",
    "date": "dates",
    "boolean": "yes/no",
    "identifier": "IDs",
    "free_text": "free text",
    "constant": "one value",
    "empty": "empty",
    "excluded": "excluded",
}

# Why a column was left out, when its role says it all.
IGNORED_ROLE_WORDS: dict[str, str] = {
    "identifier": "an ID, unique per person",
    "free_text": "free text",
    "constant": "the same everywhere",
    "empty": "empty",
    "excluded": "excluded on request",
}

# Re-run modal (title, submit and close are at most 24 characters).
RERUN_TITLE = "Re-run segmentation"
RERUN_SUBMIT = "Re-run"
RERUN_CLOSE = "Cancel"
RERUN_LABEL = "Number of segments (k)"
RERUN_HINT = "A whole number from {min_k} to {max_k}. The same file is segmented again into exactly this many groups."
RERUN_VALUE_LABEL = "Value column (what a person is worth)"
RERUN_VALUE_HINT = (
    "Each segment's share of this column's total ranks the segments when there is no outcome. Stays in the "
    "clustering, like --value COL."
)
RERUN_OUTCOME_LABEL = "Outcome columns (yes/no results)"
RERUN_OUTCOME_HINT = (
    "Kept out of the clustering; each segment's rate is shown and ranks the segments, like --outcome COL."
)
RERUN_MENU_CUT = "The file has more such columns than a menu holds: the first ones are listed."

# Progress stages the Slack app reports while it works; anything else is shown as given.
STAGES: dict[str, str] = {
    "queued": "Waiting for a free worker",
    "downloading": "Downloading the file",
    "reading": "Reading and cleaning the columns",
    "segmenting": "Finding segments",
    "influencers": "Matching influencers",
    "rendering": "Writing the report",
}

# Errors
ERROR_REFERENCE = "Reference: {reference}. Quote it when you ask for help."

# Runs, Home tab, influencers
NO_CREATOR_FITS = "No creator in your catalog of {size} fits this segment."
NO_CREATOR_FITS_CLOSEST = (
    "No creator in your catalog of {size} fits this segment (closest: @{handle} on {platform}, match {score}: "
    "{why_not})."
)
RUNS_HEADER = "Recent segmentation runs"
NO_RUNS = "No runs yet. Upload a CSV, TSV, XLSX or .csv.gz file in a channel I'm in, and I'll segment it."
SHOW_RUN = "Show report"
HOME_HEADER = "Segbot"
HOME_INTRO = (
    "I split an audience file into segments, say what sets each one apart, and suggest influencers whose "
    "audiences match."
)
INFLUENCERS_HEADER = "Influencers"
NO_INFLUENCERS = (
    "No influencers in the catalog yet. Add some with `/influencers import`, or share a CSV with the message "
    "`influencers import`."
)
NO_INFLUENCERS_FOR_TOPIC = "No influencers in the catalog match “{topic}”. Try `/influencers list` for all of them."

# Help: (command, what it does)
HELP_HEADER = "How to use Segbot"
HELP_UPLOAD = (
    "Upload a CSV, TSV, XLSX or .csv.gz file in a channel I'm in (invite me with `/invite @Segbot`), "
    "and I'll reply in the thread with a segment report."
)
HELP_COMMANDS: tuple[tuple[str, str], ...] = (
    ("/segment help", "Show this help."),
    ("/segment last", "Show this channel's latest report again."),
    ("/segment runs", "List recent segmentation runs."),
    ("/segment k=N", "Re-run the latest upload with exactly N segments (2 to 12)."),
    (
        "/influencers import",
        "Import an influencer catalog (CSV or XLSX) through a form, or share the file with the message "
        "`influencers import`.",
    ),
    ("/influencers list [topic]", "List influencers in the catalog, optionally only those about a topic."),
)
HELP_DIGEST_COMMANDS: tuple[tuple[str, str], ...] = (
    ("/segment dataset NAME", "File the next upload in this channel as a new version of dataset NAME."),
    ("/segment subscribe NAME weekly [day] [HH:MM]", "Post a weekly digest of what changed in dataset NAME here."),
    ("/segment unsubscribe NAME", "Stop the weekly digest of dataset NAME in this channel."),
    ("/segment digest NAME now", "Post the digest of dataset NAME now."),
    ("/segment subscriptions", "List the digest subscriptions of the conversations you are in, with their next date."),
)
HELP_FOOTER = "Example: `/segment subscribe newsletter weekly mon 09:00` posts every Monday at 9:00 in your timezone."
