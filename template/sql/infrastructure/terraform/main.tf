# The managed services the project needs, on AWS: PostgreSQL 15 (RDS) with pg_cron for
# the scheduler, Redis (ElastiCache) for the relay's messages, and a container registry
# (ECR) for the two images of infrastructure/docker (runtime and migrate). RabbitMQ is not
# here: use Amazon MQ or your own broker and give the relay its RABBITMQ_URL.
# The network (a VPC and its private subnets) and the Kubernetes cluster are yours:
# pass their identifiers as variables (variables.tf).
#
#   terraform init && terraform plan -var-file=production.tfvars
#
# The database's master password is generated and kept by RDS in AWS Secrets Manager
# (output database_secret_arn): it is never in this code, a variable or the state file.

terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = {
      Project     = var.project
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}

locals {
  # Every name derives from this one; ElastiCache takes 40 characters at most.
  name = trimsuffix(substr("${var.project}-${var.environment}", 0, 40), "-")
}

# --- Network access: only the application's subnets reach the database and Redis ---

resource "aws_security_group" "data" {
  name        = "${local.name}-data"
  description = "PostgreSQL and Redis, reachable from the application only"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "postgres" {
  for_each          = toset(var.allowed_cidr_blocks)
  security_group_id = aws_security_group.data.id
  description       = "PostgreSQL from the application"
  cidr_ipv4         = each.value
  from_port         = 5432
  to_port           = 5432
  ip_protocol       = "tcp"
}

resource "aws_vpc_security_group_ingress_rule" "redis" {
  for_each          = toset(var.allowed_cidr_blocks)
  security_group_id = aws_security_group.data.id
  description       = "Redis from the application"
  cidr_ipv4         = each.value
  from_port         = 6379
  to_port           = 6379
  ip_protocol       = "tcp"
}

# --- PostgreSQL ---

resource "aws_db_subnet_group" "main" {
  name       = local.name
  subnet_ids = var.private_subnet_ids
}

resource "aws_db_parameter_group" "main" {
  name   = "${local.name}-postgres${var.postgres_major_version}"
  family = "postgres${var.postgres_major_version}"

  # Clients must use TLS (sslmode=require in DATABASE_URL).
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  # pg_cron runs the recurring jobs of background/scheduler.sql, in the application's
  # database (RDS preloads pg_stat_statements by default: kept). Loaded at start: applied
  # at the next reboot.
  parameter {
    name         = "shared_preload_libraries"
    value        = "pg_stat_statements,pg_cron"
    apply_method = "pending-reboot"
  }

  parameter {
    name         = "cron.database_name"
    value        = var.db_name
    apply_method = "pending-reboot"
  }
}

resource "aws_db_instance" "main" {
  identifier                  = local.name
  engine                      = "postgres"
  engine_version              = var.postgres_major_version
  instance_class              = var.db_instance_class
  allocated_storage           = var.db_allocated_storage_gb
  max_allocated_storage       = var.db_allocated_storage_gb * 4
  storage_type                = "gp3"
  storage_encrypted           = true
  db_name                     = var.db_name
  username                    = var.db_username
  manage_master_user_password = true
  db_subnet_group_name        = aws_db_subnet_group.main.name
  parameter_group_name        = aws_db_parameter_group.main.name
  vpc_security_group_ids      = [aws_security_group.data.id]
  multi_az                    = var.multi_az
  publicly_accessible         = false
  backup_retention_period     = var.db_backup_retention_days
  deletion_protection         = var.deletion_protection
  skip_final_snapshot         = !var.deletion_protection
  final_snapshot_identifier   = "${local.name}-final"
  auto_minor_version_upgrade  = true
  apply_immediately           = false
}

# --- Redis: the relay publishes the outbox's redis messages here ---

resource "aws_elasticache_subnet_group" "main" {
  name       = local.name
  subnet_ids = var.private_subnet_ids
}

resource "aws_elasticache_replication_group" "main" {
  replication_group_id       = local.name
  description                = "${var.project} Redis (${var.environment})"
  engine                     = "redis"
  engine_version             = "7.1"
  node_type                  = var.redis_node_type
  num_cache_clusters         = var.multi_az ? 2 : 1
  automatic_failover_enabled = var.multi_az
  multi_az_enabled           = var.multi_az
  port                       = 6379
  subnet_group_name          = aws_elasticache_subnet_group.main.name
  security_group_ids         = [aws_security_group.data.id]
  at_rest_encryption_enabled = true
  # TLS and a password: REDIS_URL is rediss://:<redis_auth_token>@<endpoint>:6379/0
  transit_encryption_enabled = true
  auth_token                 = var.redis_auth_token
}

# --- The container registry: the runtime image and the migration image ---

resource "aws_ecr_repository" "app" {
  for_each             = toset(["", "-migrate"])
  name                 = "${var.project}${each.key}"
  image_tag_mutability = "IMMUTABLE"
  force_delete         = !var.deletion_protection

  image_scanning_configuration {
    scan_on_push = true
  }
}

resource "aws_ecr_lifecycle_policy" "app" {
  for_each   = aws_ecr_repository.app
  repository = each.value.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the last ${var.ecr_images_kept} images"
      selection = {
        tagStatus   = "any"
        countType   = "imageCountMoreThan"
        countNumber = var.ecr_images_kept
      }
      action = { type = "expire" }
    }]
  })
}
