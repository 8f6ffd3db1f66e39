"""tcacrawler: a polite, resumable Scrapy crawler for The Times of Central Asia."""
