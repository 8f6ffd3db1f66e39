"""Project commands: scrapy savefixture, scrapy store, scrapy staleness."""
