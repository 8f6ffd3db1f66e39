"""Project commands: scrapy savefixture, scrapy store."""
