"""Static files storage for production: hashed, compressed, served by WhiteNoise."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Rewrites URLs in CSS only: vendored scripts name source maps that are not shipped."""

    patterns = tuple(
        (glob, rules)
        for glob, rules in CompressedManifestStaticFilesStorage.patterns
        if glob == "*.css"
    )
