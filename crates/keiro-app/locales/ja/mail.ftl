mail-footer = このメールは { $brand } から送信されています。返信はできません。

password-changed-subject = { $brand } のパスワードが変更されました
password-changed-body =
    { $name } 様

    { $brand } アカウント { $email } のパスワードが { $time } に変更されました。

    お心当たりがない場合は、直ちに管理者にご連絡ください。

api-token-created-subject = { $brand } アカウントに新しい API トークンが作成されました
api-token-created-body =
    { $name } 様

    アカウント { $email } に API トークン「{ $token_name }」が作成されました。
    有効期限は { $expires } です。

    お心当たりがない場合は、[アカウント] > [API トークン] で失効させ、パスワードを変更してください。

enrollment-verify-subject = { $company } の { $brand } 登録のメール アドレスを確認してください
enrollment-verify-body =
    { $name } 様

    { $company } は、{ $brand } へのパートナー登録の第一連絡先担当者としてあなたを指定しました。
    このアドレスがあなたのものであり { $company } に属することを確認するため、次のリンクを開いて [確認] を選んでください。

    { $link }

    このリンクは 1 回だけ使用でき、{ $expires } に期限が切れます。心当たりがない場合は、このメールを無視してください。

enrollment-in-review-subject = { $brand } への登録は審査中です
enrollment-in-review-body =
    { $name } 様

    ありがとうございます。{ $company } の登録は、スタッフによる審査待ちになりました。
    審査には数日かかることがあります。状態が変わるとメールでお知らせします。

enrollment-more-info-subject = { $brand } への登録について追加情報が必要です
enrollment-more-info-body =
    { $name } 様

    { $company } の登録について、審査担当者から追加情報の依頼があります。

    { $note }

    サインインして申請内容を更新し、再提出してください。

enrollment-approved-subject = { $brand } への登録が承認されました
enrollment-approved-body =
    { $name } 様

    { $company } の登録が承認されました。パートナー ID は { $partner_id } です。
    申請者は全体管理者かつ管理エージェントになり、ユーザーを追加できます。

enrollment-rejected-subject = { $brand } への登録は承認されませんでした
enrollment-rejected-body =
    { $name } 様

    { $company } の登録は、次の理由により承認されませんでした。

    { $note }

partnership-draft-subject = { $company } を間接プロバイダーとして承認してください
partnership-draft-body =
    ご担当者様

    { $company } (パートナー ID { $partner_id }) は、{ $brand } プログラムにおいて貴社の間接プロバイダーとして連携することを希望しています。

    パートナーシップを承認するには、次のリンクを開き、リセラー組織の管理者アカウントでサインインして、確認のチェックボックスをオンにし、[間接プロバイダーを承認する] を選んでください。

    { $link }

    このリンクは 1 回だけ使用でき、{ $expires } に有効期限が切れます。

    よろしくお願いいたします。
    { $sender }

partnership-request-subject = { $company } を間接プロバイダーとして承認してください
partnership-request-body =
    { $message }

    (このメールは { $company } の { $sender } に代わって { $brand } から送信されました。)

partnership-accepted-subject = { $reseller } が { $company } を間接プロバイダーとして承認しました
partnership-accepted-body =
    { $name } 様

    { $reseller } がパートナーシップの要求を承諾しました。[間接リセラー] ページに表示され、リセラーが削除するまで { $company } はその組織への管理者アクセス権を持ちます。

relationship-draft-subject = { $company } からリセラー関係への招待
relationship-draft-body =
    ご担当者様

    { $company } は、{ $brand } プログラムにおいて貴社のリセラーとして、サブスクリプションとサービスをご提供・管理したいと考えています。

    承諾するには、次のリンクを開き、貴社組織の全体管理者としてサインインしてください。まだアカウントをお持ちでない場合は、同じリンクから作成できます。

    { $link }

    このリンクは { $expires } に有効期限が切れます。

    よろしくお願いいたします。
    { $sender }

three-way-draft-subject = { $company } と { $provider } からリセラー関係への招待
three-way-draft-body =
    ご担当者様

    { $company } は、間接プロバイダーの { $provider } とともに、{ $brand } プログラムにおける貴社のリセラーになりたいと考えています。{ $company } が貴社のサブスクリプション、ライセンス、ユーザーを管理し、{ $provider } が貴社に代わって注文を送信します。

    両方の関係を一度に承諾するには、次のリンクを開き、貴社組織の全体管理者としてサインインしてください。まだアカウントをお持ちでない場合は、同じリンクから作成できます。

    { $link }

    このリンクは { $expires } に有効期限が切れます。

    よろしくお願いいたします。
    { $sender }

relationship-request-subject = { $company } からリセラー関係への招待
relationship-request-body =
    { $message }

    (このメールは { $company } の { $sender } に代わって { $brand } から送信されました。)

relationship-accepted-subject = { $customer } が { $company } とのリセラー関係を承諾しました
relationship-accepted-body =
    { $name } 様

    { $customer } が招待を承諾しました。[顧客] ページに表示されます。

dap-draft-subject = { $company } から委任された管理者特権のオファー
dap-draft-body =
    ご担当者様

    { $company } は、{ $brand } プログラムにおいて貴社組織の委任された管理者特権を求めています。これにより、貴社に代わってユーザー、サブスクリプション、ライセンスを管理できます。管理は貴社のもとにあり、全体管理者はいつでも取り消すことができます。

    承諾するには、次のリンクを開き、貴社組織の全体管理者としてサインインしてください。

    { $link }

    このリンクは { $expires } に有効期限が切れます。

    よろしくお願いいたします。
    { $sender }

gdap-draft-subject = { $company } から詳細な委任された管理者特権の要求
gdap-draft-body =
    ご担当者様

    { $company } は、{ $brand } プログラムにおいて貴社組織に対する詳細な委任された管理者特権 (GDAP) を求めています。限られた管理者ロールを、限られた期間だけ付与するものです。リンク先で、ロールと期間を確認してから判断できます。

    承認するには、次のリンクを開き、貴社組織の全体管理者としてサインインしてください。関係はいつでも終了できます。

    { $link }

    このリンクは 1 回だけ使用でき、{ $expires } に有効期限が切れます。

    よろしくお願いいたします。
    { $sender }

gdap-approved-subject = { $customer } が GDAP 関係「{ $relationship }」を承認しました ({ $brand })
gdap-approved-body =
    { $name } 様

    { $customer } が詳細な委任された管理者特権の関係「{ $relationship }」を承認しました。{ $ends } まで有効です。使用するには、そのロールをセキュリティ グループに割り当ててください。

partner-authorizations-changed-subject = { $brand } プログラムの認定が変更されました
partner-authorizations-changed-body =
    { $name } 様

    { $company } (パートナー ID { $partner_id }) の認定が変更されました。

    付与: { $granted }
    取り消し: { $revoked }
    理由: { $reason }

    現在の認定: { $current }

authorization-subscription_advisor = サブスクリプション アドバイザー
authorization-delegated_admin = 委任された管理者
authorization-none = なし
list-separator = 、

por-subscription-changed-subject = [{ $brand }] { $customer } のサブスクリプションが変更されました ({ $change })
por-subscription-changed-body =
    { $name } 様

    貴社がレコードのパートナー (POR) であるサブスクリプションが変更されました。

    顧客: { $customer }
    プラン: { $offer }
    変更: { $change }
    ライセンス数: { $quantity }
    状態: { $state }
    サブスクリプション ID: { $subscription }

por-change-created = 新しいサブスクリプション
por-change-quantity_changed = ライセンス数の変更
por-change-auto_renew_changed = 自動更新の変更
por-change-suspended = 一時停止
por-change-suspension_lifted = 一時停止理由の解除
por-change-reactivated = 再開
por-change-cancelled = 取り消し
por-change-converted = 有料への切り替え
por-change-renewed = 更新
por-change-expired = 期限切れ
por-change-trial_ended = 試用期間の終了
por-change-reseller_changed = リセラーの変更
por-change-support_contact_changed = サポート連絡先の変更
por-change-partner_of_record_changed = レコードのパートナーに指定
por-change-removed = レコードのパートナーから削除
por-state-active = アクティブ
por-state-suspended = 一時停止中
por-state-cancelled = 取り消し済み
por-state-expired = 期限切れ

trial-draft-subject = { $company } から { $brand } の試用版へのご招待
trial-draft-body =
    ご担当者様

    { $company } (パートナー ID { $partner_id }) より、{ $brand } の試用版にご招待します。

    次のリンクを開くと、試用できる製品と期間、{ $company } が申し出る内容を、サインインする前に確認できます。試用を開始するには、貴社の全体管理者または課金管理者としてサインインしてください (アカウントがない場合は、リンクから作成できます)。

    { $link }

    このリンクの有効期限は { $expires } です。

    よろしくお願いいたします。
    { $sender }

purchase-draft-subject = { $company } から { $brand } の購入プランのご案内
purchase-draft-body =
    ご担当者様

    { $company } (パートナー ID { $partner_id }) より、{ $brand } の購入プランをお送りします。貴社に必要なサービスと、それぞれの推奨ライセンス数をまとめたものです。

    次のリンクを開くと、サインインする前に購入プランの内容を確認できます。ライセンス数の変更や、不要なサービスを外すこともできます。購入するには、貴社の全体管理者または課金管理者としてサインインしてください (アカウントがない場合は、リンクから作成できます)。

    { $link }

    このリンクの有効期限は { $expires } です。

    よろしくお願いいたします。
    { $sender }

advisor-invitation-subject = { $company } から { $brand } へのご招待
advisor-invitation-body =
    { $message }

    (このメールは { $company } の { $sender } に代わって { $brand } から送信されました。)

level-none = なし
level-action_pack = Action Pack
level-silver = シルバー
level-gold = ゴールド

benefit-package-granted-subject = { $brand } 特典パッケージを購入しました ({ $level })
benefit-package-granted-body =
    { $name } 様

    { $company } のメンバーシップ特典パッケージ ({ $level }) を購入しました。
    期間: { $starts } ～ { $ends }

    「特典」ページでソフトウェア キーを取得し、特典を従業員に割り当ててください。
    購入から 30 日以内で、ソフトウェアの特典をアクティブ化していない場合は、サービス要求でキャンセルして返金を受けられます。

benefit-package-renewed-subject = { $brand } 特典パッケージを更新しました ({ $level })
benefit-package-renewed-body =
    { $name } 様

    { $company } の次の年のメンバーシップ特典パッケージ ({ $level }) を購入しました。
    期間: { $starts } ～ { $ends }

    新しい特典は開始日から「特典」ページに表示されます。

benefit-package-cancelled-subject = { $brand } 特典パッケージをキャンセルしました
benefit-package-cancelled-body =
    { $name } 様

    { $company } のメンバーシップ特典パッケージ ({ $level }、{ $starts } ～ { $ends }) のキャンセル要求が承認されました。パッケージとその特典はキャンセルされ、返金されます。

    { $reason }

benefits-expiring-subject = { $brand } 特典の有効期限が近づいています
benefits-expiring-body =
    { $name } 様

    { $company } の次の特典は { $expires } に有効期限が切れます。それまでにアクティブ化してください。

    { $benefits }

benefit-pool-empty-subject = { $brand } 特典のキーがなくなりました: { $benefit }
benefit-pool-empty-body =
    { $name } 様

    { $company } が特典「{ $benefit }」のキーを取得しようとしましたが、キー プールに使用できるキーがありません。
    運用コンソールの「特典のキー プール」からキーをインポートしてください。

benefit-assigned-subject = { $brand } 特典が割り当てられました: { $benefit }
benefit-assigned-body =
    { $name } 様

    { $company } からメンバーシップ特典「{ $benefit }」が割り当てられました。有効期限は { $expires } です。
    パートナー センターの「特典」ページで確認できます。

benefit-unassigned-subject = { $brand } 特典の割り当てが解除されました: { $benefit }
benefit-unassigned-body =
    { $name } 様

    { $company } のメンバーシップ特典「{ $benefit }」は、削除されたか別のユーザーに移されたため、割り当てが解除されました。
    心当たりがない場合は、全体管理者にお問い合わせください。

marketing-contact-assigned-subject = { $brand } { $company } のマーケティング担当者になりました
marketing-contact-assigned-body =
    { $name } 様

    { $company } の市場投入オファーのマーケティング担当者に割り当てられました。アクティブな市場投入オファーについてのフォローアップ通信は、このメール アドレスと電話番号 ({ $phone }) に届きます。

    市場投入オファーを利用する手順:
    1. 管理者が [特典] の [市場投入] でオファーをアクティブ化します。
    2. 運営者がオファーを確認します。数日かかる場合があります。アクティブになるとメールでお知らせします。
    3. オファーは [市場投入] ページに表示される有効期限日まで利用できます。

go-to-market-active-subject = { $brand } 市場投入オファーがアクティブになりました: { $benefit }
go-to-market-active-body =
    { $name } 様

    { $company } の市場投入オファー「{ $benefit }」がアクティブになりました。有効期限は { $expires } です。
