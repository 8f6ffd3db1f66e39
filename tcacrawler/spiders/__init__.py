"""Spiders: each decides which URLs to visit; extraction lives in tcacrawler.pages."""
