# What the deployment needs (see docs: Deployment).

output "database_endpoint" {
  description = "PostgreSQL host name, for DATABASE_URL"
  value       = aws_db_instance.main.address
}

output "database_port" {
  description = "PostgreSQL port"
  value       = aws_db_instance.main.port
}

output "database_name" {
  description = "The application's database"
  value       = aws_db_instance.main.db_name
}

output "database_secret_arn" {
  description = "Secrets Manager secret holding the master user's password"
  value       = aws_db_instance.main.master_user_secret[0].secret_arn
}

output "redis_endpoint" {
  description = "Redis primary endpoint, for REDIS_URL (rediss://, TLS)"
  value       = aws_elasticache_replication_group.main.primary_endpoint_address
}

output "ecr_repository_urls" {
  description = "Where to push the images: runtime (\"\") and migrate (\"-migrate\")"
  value       = { for suffix, repository in aws_ecr_repository.app : suffix => repository.repository_url }
}
