//! Migrations go up, down and up again on the database under test.

use migrations::{Migrator, MigratorTrait};

#[tokio::test]
async fn migrations_go_up_down_and_up_again() {
    let dir = std::env::temp_dir().join(format!("iclefs-mig-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let url = super::helpers::fresh_database(&dir).await;
    let db = app::db::connect(&url).await.expect("connect");

    Migrator::up(&db, None).await.expect("up");
    assert!(
        Migrator::get_pending_migrations(&db)
            .await
            .expect("pending")
            .is_empty()
    );
    let manager = migrations::SchemaManager::new(&db);
    assert!(manager.has_table("submissions").await.expect("has_table"));

    Migrator::down(&db, None).await.expect("down");
    assert!(!manager.has_table("submissions").await.expect("has_table"));
    assert!(
        !manager
            .has_table("municipalities")
            .await
            .expect("has_table")
    );

    Migrator::up(&db, None).await.expect("up again");
    assert!(manager.has_table("outbox").await.expect("has_table"));
    let _ = std::fs::remove_dir_all(dir);
}
