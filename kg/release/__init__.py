"""A release: the on-disk layout both sides share (``publication``), the publisher that writes
dumps, the store and the manifest and swaps ``dist`` atomically (``publish``), and the VoID
description (``void``)."""
