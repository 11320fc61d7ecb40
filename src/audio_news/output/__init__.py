"""What an episode leaves on disk and on the web: file names, ID3 tags, the episode document and
its captions, the player page and index, the podcast feed, and the local server."""
